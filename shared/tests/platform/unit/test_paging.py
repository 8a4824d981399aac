"""Opaque cursors: what we hand out comes back; anything else is a 400."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.platform.errors import ValidationError
from wellness.platform.paging import decode, decode_cursor, encode, encode_cursor, page_by_key

pytestmark = pytest.mark.unit


@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=64))
def test_cursors_round_trip(key: str) -> None:
    """Every key a store can hold (no NUL, no lone surrogate) comes back."""
    assert decode_cursor(encode_cursor(key)) == key


@pytest.mark.parametrize("values", [["a\x00"], ["\ud800"], ["2026-01-01", "x\x00"], ["ok", "\udfff"]])
def test_a_cursor_carrying_what_no_store_holds_is_invalid(values: list[str]) -> None:
    with pytest.raises(ValidationError) as raised:
        decode(encode(values), len(values))
    assert raised.value.code == "invalid_cursor"


def test_a_deeply_nested_cursor_is_invalid() -> None:
    import base64

    cursor = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()
    with pytest.raises(ValidationError):
        decode(cursor, 1)


@pytest.mark.parametrize("cursor", ["", "!!!", "a", "bWluZGZ1bC03=", "//8"])
def test_a_cursor_we_did_not_make_is_invalid(cursor: str) -> None:
    with pytest.raises(ValidationError) as raised:
        decode_cursor(cursor)
    assert raised.value.code == "invalid_cursor"


def test_page_cuts_at_the_limit_and_points_after_the_last_item() -> None:
    rows = [("a", 1), ("b", 2), ("c", 3)]
    assert page_by_key(rows, 2) == ([1, 2], encode_cursor("b"))
    assert page_by_key(rows, 3) == ([1, 2, 3], None)
