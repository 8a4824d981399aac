"""Opaque cursors: what we hand out comes back; anything else is a 400."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellness.platform.errors import ValidationError
from wellness.platform.paging import decode_cursor, encode_cursor, page_by_key

pytestmark = pytest.mark.unit


@given(st.text(min_size=1, max_size=64))
def test_cursors_round_trip(key: str) -> None:
    assert decode_cursor(encode_cursor(key)) == key


@pytest.mark.parametrize("cursor", ["", "!!!", "a", "bWluZGZ1bC03=", "//8"])
def test_a_cursor_we_did_not_make_is_invalid(cursor: str) -> None:
    with pytest.raises(ValidationError) as raised:
        decode_cursor(cursor)
    assert raised.value.code == "invalid_cursor"


def test_page_cuts_at_the_limit_and_points_after_the_last_item() -> None:
    rows = [("a", 1), ("b", 2), ("c", 3)]
    assert page_by_key(rows, 2) == ([1, 2], encode_cursor("b"))
    assert page_by_key(rows, 3) == ([1, 2, 3], None)
