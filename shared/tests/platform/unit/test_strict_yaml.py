"""The repository's YAML refuses a key written twice, naming the file and both lines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wellness.platform.strict_yaml import load_yaml, read_yaml

pytestmark = pytest.mark.unit

# Shaped like the slip it catches: two responses under one status code of an operation.
TWICE = """\
paths:
  /v1/things:
    post:
      responses:
        '409':
          $ref: '#/responses/Contention'
        '415':
          $ref: '#/responses/UnsupportedMediaType'
        '409':
          $ref: '#/responses/IdempotencyConflict'
"""


def test_a_key_written_twice_is_refused_with_the_file_and_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(TWICE)
    with pytest.raises(yaml.YAMLError) as refused:
        read_yaml(path)
    message = str(refused.value)
    assert f'in "{path}", line 9' in message
    assert "found key '409' a second time (first on line 5)" in message


@pytest.mark.parametrize(
    "text",
    ["a: 1\na: 2\n", "{a: 1, a: 2}\n", "- {x: 1}\n- x: 1\n  y: 2\n  x: 3\n", "1: a\n1: b\n"],
    ids=["top level", "flow mapping", "inside a list", "integer keys"],
)
def test_duplicates_are_refused_wherever_the_mapping_is(text: str) -> None:
    with pytest.raises(yaml.YAMLError, match="a second time"):
        load_yaml(text, "scratch.yaml")


def test_equal_keys_in_different_mappings_are_fine() -> None:
    assert load_yaml("a: {x: 1}\nb: {x: 2}\n", "scratch.yaml") == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_key_beside_a_merge_overrides_the_merged_one() -> None:
    text = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n"
    assert load_yaml(text, "scratch.yaml")["use"] == {"x": 1, "y": 3}


def test_it_parses_what_safe_load_parses() -> None:
    text = "on: [push]\nn: 1.5\nd: 2024-01-01\nq: '2024-01-01'\nnull_value: ~\n"
    assert load_yaml(text, "scratch.yaml") == yaml.safe_load(text)
