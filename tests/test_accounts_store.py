"""Mail URLs name the server as RFC 3986 wants, IPv6 included."""

from app.mail.imap_scan import imap_url
from app.mail.pop3 import pop3_url
from app.store.accounts import Account


def test_urls_bracket_ipv6_and_quote_the_user():
    v6 = Account(id="a", protocol="imap", host="::1", port=143, security="plain",
                 username="me@example.org")
    assert imap_url(v6, "INBOX", 7, 3) == "imap://me%40example.org@[::1]:143/INBOX;UIDVALIDITY=7/;UID=3"
    v4 = Account(id="b", protocol="pop3", host="192.0.2.1", port=995, security="tls",
                 username="me")
    assert pop3_url(v4, "x y") == "pop3s://me@192.0.2.1:995/;UIDL=x%20y"
