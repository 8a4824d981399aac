"""User-visible text: NFC, and no character that hides or rearranges what others see."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.platform.text import normalise, refused, unstorable

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "code_point"),
    [
        ("Ada\x07", "U+0007"),  # BEL
        ("\x1b[31mAda\x1b[0m", "U+001B"),  # an ANSI colour sequence
        ("Ada\x7f", "U+007F"),
        ("Ada\x85", "U+0085"),  # a C1 control (next line)
        ("\u202eadA", "U+202E"),  # right-to-left override
        ("Ada\u2066x\u2069", "U+2066"),  # isolates
        ("A\u200bda", "U+200B"),  # zero-width space
        ("A\u200dda", "U+200D"),  # a joiner between Latin letters joins nothing
        ("A\u200cda", "U+200C"),
        ("\ufeffAda", "U+FEFF"),
        ("A\u00adda", "U+00AD"),  # soft hyphen
        ("Ada\u200f", "U+200F"),  # right-to-left mark
        ("\u3164", "U+3164"),  # Hangul filler: looks blank
        ("\U000e0041Ada", "U+E0041"),  # a tag character outside a flag
    ],
)
def test_invisible_and_control_characters_are_refused_and_named(value: str, code_point: str) -> None:
    for kind in ("line", "multiline"):
        problem = refused(value, kind)
        assert problem is not None and code_point in problem
        assert "Ada" not in problem  # never the value itself


@pytest.mark.parametrize(
    "value",
    [
        "Zoë Ångström",
        "Dr. José-María O'Neil",
        "李小龍",
        "محمد",
        "می\u200cخواهم",  # Persian: ZWNJ between joining letters
        "क्\u200dष",  # Devanagari: ZWJ after a virama
        "👩\u200d💻",  # emoji ZWJ sequence
        "👩🏽\u200d💻",  # with a skin tone
        "🏳\ufe0f\u200d🌈",  # with the emoji presentation selector
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # the flag of Scotland
        "a\u0301",  # combining marks stay (in NFC)
    ],
)
def test_real_names_and_emoji_pass(value: str) -> None:
    assert refused(value, "line") is None


def test_line_breaks_only_in_multiline_text() -> None:
    for value in ("first\nsecond", "tab\there", "windows\r\nline", "para\u2029graph"):
        assert refused(value, "multiline") is None
        assert refused(value, "line") is not None


def test_nfc_is_what_is_stored() -> None:
    assert normalise("Zoe\u0308") == "Zo\u00eb"
    assert normalise("\u212b") == "\u00c5"  # the Angstrom sign is the letter Å
    assert refused("Zoe\u0308", "line") is None


@given(st.text())
def test_any_text_gets_an_answer_and_nfc_is_stable(value: str) -> None:
    refused(value, "multiline")
    assert normalise(normalise(value)) == normalise(value)


def test_unstorable_strings() -> None:
    assert unstorable("ok") is None
    assert unstorable("a\x00b") == "must not contain NUL characters"
    assert unstorable("a\ud800") == "must be valid Unicode (no lone surrogates)"
    assert unstorable("\U0001f600") is None  # a surrogate pair in UTF-16 is one code point here
    assert refused("a\ud800", "line") == "must be valid Unicode (no lone surrogates)"
