"""The schemathesis hooks put hostile characters into generated requests (and leave half of them alone)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from devstack.contract.hooks import IN_BODIES, IN_URLS, hostile

pytestmark = pytest.mark.unit
BODY = {"text": "hello", "tags": ["a", "b"], "mood": 3, "nested": {"name": "Ada"}}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@given(hostile(BODY, IN_BODIES))
def test_a_drawn_body_is_the_generated_one_or_carries_one_hostile_character(body: dict[str, Any]) -> None:
    changed = [(a, b) for a, b in zip(_strings(BODY), _strings(body), strict=True) if a != b]
    assert body["mood"] == 3 and len(changed) <= 1
    for before, after in changed:
        assert len(after) > len(before) and any(char in after for char in IN_BODIES)


@pytest.mark.parametrize("char", ["\x00", "\ud800", "\u202e", "\u200b"])
def test_every_kind_of_character_reaches_every_string(char: str) -> None:
    find(hostile(BODY, IN_BODIES), lambda body: char in body["text"])
    find(hostile(BODY, IN_BODIES), lambda body: char in body["nested"]["name"])


def test_urls_never_get_a_lone_surrogate_and_values_without_strings_pass_unchanged() -> None:
    assert "\ud800" not in IN_URLS and "\x00" in IN_URLS
    assert find(hostile({"limit": 5}, IN_URLS), lambda _: True) == {"limit": 5}
    assert find(hostile(None, IN_BODIES), lambda _: True) is None


@given(st.data())
def test_the_original_value_is_never_mutated(data: st.DataObject) -> None:
    body = {"a": ["x"]}
    data.draw(hostile(body, IN_BODIES))
    assert body == {"a": ["x"]}
