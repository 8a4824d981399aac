"""Strings from the outside world: what every store can hold, and what users may show each other.

Every string of a request (body, path, query, cursor) must be storable: PostgreSQL's
text cannot hold NUL, and a lone UTF-16 surrogate (JSON's `"\\ud800"`) cannot be
encoded as UTF-8 for any store or driver. `unstorable` says why a string is not.

User-visible text (the fields the contract marks `x-text`: display names, bios,
journal text, posts, comments, report reasons) goes to other users' screens and into
mail subjects, so it is normalised to NFC (one spelling per character) and refused
when it holds a character that shows nothing or changes how its neighbours show:
control characters (BEL, ESC and the ANSI sequences it starts), bidi overrides and
isolates, zero-width spaces and other format characters, invisible filler letters.
`x-text: multiline` allows tabs and line breaks; `x-text: line` allows none.

Two format characters do a job in real text and are kept where they do it (after
RFC 5892's CONTEXTJ rules, plus emoji): the zero-width joiner inside an emoji
sequence (👩‍💻) or after a virama (Indic scripts), and the zero-width non-joiner after
a virama or between two letters of a joining script (Persian, Arabic). Tag characters
are kept inside an emoji tag sequence (the flag of Scotland).

    >>> normalise("Cafe\\u0301") == "Caf\\u00e9"
    True
    >>> refused("Ada\\u202e", "line")
    'must not contain invisible or control characters (U+202E)'
    >>> refused("line one\\nline two", "multiline") is None
    True
    >>> unstorable("a\\x00b")
    'must not contain NUL characters'
"""

from __future__ import annotations

import unicodedata

KINDS = ("line", "multiline")
_BREAKS = {"line": "", "multiline": "\t\n\r"}
_ZWNJ, _ZWJ, _BLACK_FLAG, _VS16 = "\u200c", "\u200d", "\U0001f3f4", "\ufe0f"
_TAGS = range(0xE0020, 0xE0080)
# Letters that render as nothing: a name made of them looks blank.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Scripts whose letters join cursively, where ZWNJ breaks a join on purpose (Unicode's Joining_Type).
_JOINING_SCRIPTS = ("ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "MANDAIC", "ADLAM", "HANIFI ROHINGYA")


def unstorable(value: str) -> str | None:
    """Why no store can hold `value` (NUL, a lone surrogate), or None."""
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (no lone surrogates)"
    return None


def normalise(value: str) -> str:
    """The NFC form: what is stored and shown."""
    return unicodedata.normalize("NFC", value)


def refused(value: str, kind: str) -> str | None:
    """Why `value` (checked in NFC) is not acceptable user-visible text of `kind`, or None."""
    broken = unstorable(value)
    if broken:
        return broken
    text = normalise(value)
    bad = sorted({f"U+{ord(c):04X}" for i, c in enumerate(text) if _refused_at(text, i, kind)})
    if not bad:
        return None
    shown = ", ".join(bad[:5]) + (", …" if len(bad) > 5 else "")
    return f"must not contain invisible or control characters ({shown})"


def _refused_at(text: str, i: int, kind: str) -> bool:
    char = text[i]
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in _BREAKS[kind]
    if category in ("Zl", "Zp"):
        return kind == "line"
    if char in _INVISIBLE_LETTERS:
        return True
    if category != "Cf":
        return False
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if char == _ZWJ:
        return not (_virama(before) or (_emoji(before) and unicodedata.category(after) == "So"))
    if char == _ZWNJ:
        return not (_virama(before) or (_joining_letter(before) and _joining_letter(after)))
    if ord(char) in _TAGS:
        return not (before == _BLACK_FLAG or (before != "" and ord(before) in _TAGS))
    return True


def _virama(char: str) -> bool:
    return char != "" and unicodedata.combining(char) == 9


def _emoji(char: str) -> bool:
    """What may precede the joiner in an emoji ZWJ sequence: an emoji, a skin tone, the emoji selector."""
    return char != "" and (unicodedata.category(char) in ("So", "Sk") or char == _VS16)


def _joining_letter(char: str) -> bool:
    return (
        char != ""
        and unicodedata.category(char).startswith("L")
        and unicodedata.name(char, "").startswith(_JOINING_SCRIPTS)
    )
