"""Escaping shows every hidden character, and only those; simple addresses are read
as the email package reads them."""

from email.utils import getaddresses

from hypothesis import given
from hypothesis import strategies as st

from app.core import names
from app.core.facts import decode_words, parse_addresses


def test_escape_search_matches_the_character_test_everywhere():
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        expected = names.is_hidden_char(char) or char in "\\\t"
        assert (names.escape(char) != char) is expected, hex(code)


def test_escape_examples():
    assert names.escape("日本語.pdf") == "日本語.pdf"
    assert names.escape("invoice_\u202egpj.exe") == "invoice_\\u202egpj.exe"
    assert names.escape("a\x00b") == "a\\x00b"
    assert names.escape("C:\\x") == "C:\\\\x"


# -- addresses: the fast path agrees with the email package --------------------------

_ATOM = st.text("abcxyzABC0189._-+", min_size=1, max_size=8)
_NAME = st.text("abc XYZ.'-日本語=?", max_size=12)


@given(_ATOM, _ATOM, _NAME, st.sampled_from(["plain", "quoted", "bare"]))
def test_simple_addresses_read_as_getaddresses_reads_them(local, domain, name, form):
    addr = f"{local}@{domain}"
    value = {"plain": f"{name} <{addr}>", "quoted": f'"{name}" <{addr}>', "bare": addr}[form]
    expected = [(decode_words(n), a.strip()) for n, a in getaddresses([value])]
    expected = [pair for pair in expected if pair[0] or pair[1]]
    got = [(a.display, a.addr) for a in parse_addresses(value)]
    assert got == expected
