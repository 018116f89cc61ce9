"""Escaping shows every hidden character, and only those."""

from app.core import names


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
