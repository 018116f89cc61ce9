"""The built-in provider table and the server guesses made from an address."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.providers import (
    ProviderTableError,
    find,
    guess,
    load,
    providers,
    split_address,
)


def test_gmail_gets_its_published_servers_first() -> None:
    guesses = guess("alice@gmail.com")
    first = guesses[0]
    assert (first.protocol, first.host, first.port, first.security) == (
        "imap", "imap.gmail.com", 993, "tls")
    assert first.known and first.provider == "Gmail"
    assert first.username == "alice@gmail.com"
    assert "app password" in first.note
    assert [(g.protocol, g.host, g.port) for g in guesses] == [
        ("imap", "imap.gmail.com", 993), ("pop3", "pop.gmail.com", 995)]


@pytest.mark.parametrize(
    ("address", "host"),
    [
        ("Bob@GoogleMail.COM", "imap.gmail.com"),
        ("carol@hotmail.co.jp", "outlook.office365.com"),
        ("dave@live.com", "outlook.office365.com"),
        ("erin@ymail.com", "imap.mail.yahoo.com"),
        ("frank@me.com", "imap.mail.me.com"),
        ("grace@aol.com", "imap.aol.com"),
        ("heidi@gmx.de", "imap.gmx.net"),
        ("ivan@gmx.com", "imap.gmx.com"),
        ("judy@zoho.com", "imap.zoho.com"),
        ("mallory@fastmail.com", "imap.fastmail.com"),
        ("niaj@docomo.ne.jp", "imap.spmode.ne.jp"),
        ("olivia@yahoo.co.jp", "imap.mail.yahoo.co.jp"),
        ("peggy@nifty.com", "pop.nifty.com"),
        ("rupert@biglobe.ne.jp", "mail.biglobe.ne.jp"),
        ("sybil@ocn.ne.jp", "pop.ocn.ne.jp"),
    ],
)
def test_well_known_providers(address: str, host: str) -> None:
    first = guess(address)[0]
    assert first.host == host
    assert first.known
    assert first.security == "tls"


def test_user_name_follows_the_provider() -> None:
    assert guess("Frank.Smith@icloud.com")[0].username == "Frank.Smith"  # the local part
    assert guess("niaj@docomo.ne.jp")[0].username == ""  # a separate d ACCOUNT ID
    assert "d ACCOUNT" in guess("niaj@docomo.ne.jp")[0].note


def test_pop_only_provider_gets_imap_guessed_from_its_domain() -> None:
    guesses = guess("peggy@nifty.com")
    assert guesses[0].protocol == "pop3" and guesses[0].known
    imap = [g for g in guesses if g.protocol == "imap"]
    assert imap and not any(g.known for g in imap)
    assert imap[0].host == "imap.nifty.com"
    assert all(g.provider == "@nifty" for g in guesses)


def test_sub_domain_addresses_belong_to_the_provider() -> None:
    guesses = guess("taro@ab2.so-net.ne.jp")
    assert guesses[0].provider == "So-net"
    assert guesses[0].note
    assert guesses[0].host == "imap.so-net.ne.jp"  # guessed from the listed domain
    assert not guesses[0].known
    assert find("xy.ocn.ne.jp") is find("ocn.ne.jp") is not None


def test_a_domain_only_matches_at_a_dot() -> None:
    assert find("notgmail.com") is None
    assert guess("x@notgmail.com")[0].host == "imap.notgmail.com"


def test_unknown_domain_gets_the_usual_names_and_never_plain_text() -> None:
    guesses = guess("bob@example.org")
    assert [(g.protocol, g.host, g.port, g.security) for g in guesses[:3]] == [
        ("imap", "imap.example.org", 993, "tls"),
        ("imap", "mail.example.org", 993, "tls"),
        ("imap", "imap.example.org", 143, "starttls"),
    ]
    assert ("pop3", "pop.example.org", 995, "tls") in [
        (g.protocol, g.host, g.port, g.security) for g in guesses]
    assert all(g.security != "plain" for g in guesses)
    assert all(g.username == "bob@example.org" and not g.provider for g in guesses)


@pytest.mark.parametrize("text", ["", "bob", "bob@", "@example.org", "bob@localhost",
                                  "bob@.org", "bob@exa mple.org"])
def test_incomplete_addresses_give_no_guess(text: str) -> None:
    assert split_address(text) is None
    assert guess(text) == []


def test_shipped_table_is_consistent() -> None:
    table = providers()
    domains = [d for p in table for d in p.domains]
    assert len(domains) == len(set(domains)), "a domain is listed twice"
    for provider in table:
        # Each entry gives a server, or says where the provider publishes them.
        assert provider.imap or provider.pop3 or provider.note, provider.name
        if provider.username == "other":
            assert provider.note, f"{provider.name}: say which user name to use"
    for domain in ("gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
                   "icloud.com", "aol.com", "gmx.net", "zoho.com", "fastmail.com",
                   "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "nifty.com",
                   "biglobe.ne.jp", "so-net.ne.jp", "ocn.ne.jp", "plala.or.jp",
                   "yahoo.co.jp"):
        assert find(domain) is not None, domain


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('domains = ["x.org"]\nimap = { host = "imap.x.org", port = "993", security = "tls" }',
         "port must be a TCP port"),
        ('domains = ["x.org"]\nimap = { host = "imap.x.org", port = 143, security = "plain" }',
         "security must be tls or starttls"),
        ('domains = ["X.org"]', "lower-case domains"),
        ('domains = ["x.org"]\nusername = "id"', "username must be"),
    ],
)
def test_a_wrong_table_entry_is_named(tmp_path: Path, entry: str, problem: str) -> None:
    path = tmp_path / "providers.toml"
    path.write_text(f'[[provider]]\nname = "Example"\n{entry}\n', encoding="utf-8")
    with pytest.raises(ProviderTableError, match=problem) as caught:
        load(path)
    assert "'Example'" in str(caught.value)
