"""File names as the eye reads them: the extension a person believes they see.

``report.`` + fullwidth ``exe`` (U+FF45 U+FF58 U+FF45), ``report.`` + Cyrillic ``exe``
(U+0435 U+0445 U+0435), ``report`` + a fullwidth dot (U+FF0E) + ``exe``, or
``report.e`` + U+0301 (a combining accent) + ``xe`` are not ``.exe`` to Windows, yet a
person reads ``.exe`` -- and a filter that compares bytes does not. The reverse also
works: a name that reads as one type and is another. `skeleton` folds a name to what it
looks like: Unicode compatibility forms (NFKC), combining marks dropped, and letters
that look like ASCII letters replaced by them (the look-alikes come from Unicode's
confusables list, Technical Standard #39, restricted to those that look like an ASCII
letter or digit).
"""

# ruff: noqa: RUF001 - the table below lists look-alike characters on purpose
from __future__ import annotations

import unicodedata
from functools import cache

from app.core import names

#: ASCII letter or digit -> the characters Unicode lists as confusable with it (and
#: that NFKC does not already turn into it).
_CONFUSABLE_WITH: dict[str, str] = {
    "2": "ꝚƧϨꙄᒿꛯ",
    "3": "𝈆ꞫȜƷꝪⳌЗӠ𖼻𑣊",
    "4": "Ꮞ𑢯",
    "5": "Ƽ𑢻",
    "6": "ⳒбᏮ𑣕",
    "7": "𝈒𐓒𑣆",
    "8": "\u0b03৪੪ȣȢ𐌚",
    "9": "੧୨৭൭ꝮⳊ𑣌𑢬𑣖",
    "a": "⍺ɑα𝛂𝛼𝜶𝝰𝞪аΑ𝚨𝛢𝜜𝝖𝞐АᎪᗅꓮ𖽀𐊠",
    "b": "ƄЬᏏᑲᖯꞴΒ𝚩𝛣𝜝𝝗𝞑ВᏴᗷꓐ𐊂𐊡𐌁",
    "c": "ᴄϲⲥсꮯ𐐽🝌𑣲𑣩ϹⲤСᏟꓚ𐊢𐌂𐐕𐔜",
    "d": "ԁᏧᑯꓒᎠᗞᗪꓓ",
    "e": "℮ꬲеҽ⋿Ε𝚬𝛦𝜠𝝚𝞔ЕⴹᎬꓰ𑢦𑢮𐊆",
    "f": "ꬵꞙẝք𝈓ꞘϜ𝟊ᖴꓝ𑣂𑢢𐊇𐊥𐔥",
    "g": "ɡᶃƍցԌᏀᏳꓖ",
    "h": "һհᏂΗ𝚮𝛨𝜢𝝜𝞖ⲎНᎻᕼꓧ𐋏",
    "i": "˛⍳ı𝚤ɪɩιιͺ𝛊𝜄𝜾𝝸𝞲іꙇӏꭵᎥ𑣃",
    "j": "ϳјꞲͿЈᎫᒍꓙ",
    "k": "Κ𝚱𝛫𝜥𝝟𝞙ⲔКᏦᛕꓗ𐔘",
    "l": "∣⏽￨۱𐌠ƖǀΙ𝚰𝛪𝜤𝝞𝞘ⲒІӀⵏᛁꓲ𖼨𐊊𐌉𝈪ⳐᏞᒪꓡ𖼖𑢣𑢲𐐛𐔦",
    "m": "Μ𝚳𝛭𝜧𝝡𝞛ϺⲘМᎷᗰᛖꓟ𐊰𐌑",
    "n": "ոռΝ𝚴𝛮𝜨𝝢𝞜Ⲛꓠ𐔓",
    "o": (
        "\u0c02\u0c82\u0d02\u0d82०੦૦௦౦೦൦๐໐၀۵ᴏᴑꬽο𝛐𝜊𝝄𝝾𝞸σ𝛔𝜎𝝈𝞂𝞼ⲟоჿօഠဝ𐓪𑣈𑣗𐐬০୦〇𑓐𑣠Ο𝚶𝛰𝜪𝝤"
        "𝞞ⲞОՕⵔዐଠ𐓂ꓳ𑢵𐊒𐊫𐐄𐔖"
    ),
    "p": "⍴ρϱ𝛒𝛠𝜌𝜚𝝆𝝔𝞀𝞎𝞺𝟈ⲣрΡ𝚸𝛲𝜬𝝦𝞠ⲢРᏢᑭꓑ𐊕",
    "q": "ԛգզⵕ",
    "r": "ꭇꭈᴦⲅгꮁ𝈖ƦᎡᏒ𐒴ᖇꓣ𖼵",
    "s": "ꜱƽѕꮪ𑣁𐑈ЅՏᏕᏚꓢ𖼺𐊖𐐠",
    "t": "⊤⟙🝨Τ𝚻𝛵𝜯𝝩𝞣ⲦТᎢꓔ𖼊𑢼𐊗𐊱𐌕",
    "u": "ꞟᴜꭎꭒʋυ𝛖𝜐𝝊𝞄𝞾ս𐓶𑣘∪⋃Սሀ𐓎ᑌꓴ𖽂𑢸",
    "v": "∨⋁ᴠν𝛎𝜈𝝂𝝼𝞶ѵ𑜆ꮩ𑣀𝈍۷ѴⴸᏙᐯꛟꓦ𖼈𑢠𐔝",
    "w": "ɯᴡѡԝա𑜊𑜎𑜏ꮃ𑣯𑣦ԜᎳᏔꓪ",
    "x": "᙮×⤫⤬⨯хᕁᕽ᙭╳𐌢𑣬ꞳΧ𝚾𝛸𝜲𝝬𝞦ⲬХⵝᚷꓫ𐊐𐊴𐌗𐔧",
    "y": "ɣᶌʏỿꭚγℽ𝛄𝛾𝜸𝝲𝞬уүყ𑣜Υϒ𝚼𝛶𝜰𝝪𝞤ⲨУҮᎩᎽꓬ𖽃𑢤𐊲",
    "z": "ᴢꮓ𑣄𐋵𑣥Ζ𝚭𝛧𝜡𝝛𝞕Ꮓꓜ𑢩",
}


@cache
def _table() -> dict[int, str]:
    return {ord(c): ascii_ for ascii_, chars in _CONFUSABLE_WITH.items() for c in chars}


def skeleton(text: str) -> str:
    """What ``text`` looks like, in lower-case ASCII where it looks like ASCII."""
    if text.isascii():
        return text.lower()
    # Look-alikes first (NFKC would turn some, like U+02DB, into a space and a mark).
    folded = unicodedata.normalize("NFKC", text.translate(_table()))
    decomposed = unicodedata.normalize("NFD", folded)
    bare = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me"))
    return unicodedata.normalize("NFC", bare).translate(_table()).lower()


def seen_extension(name: str) -> str:
    """The extension a person reads in ``name`` (after Windows drops what it drops)."""
    return names.extension(skeleton(names.windows_name(name)))


def lookalike_extension(name: str) -> tuple[str, str] | None:
    """``(real, seen)`` when the extension a person reads is not the real one."""
    real = names.extension(names.windows_name(name))
    seen = seen_extension(name)
    return (real, seen) if seen and seen != real else None
