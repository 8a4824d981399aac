"""The repository's YAML (contracts, catalog, topics), parsed so that a key declared twice fails.

YAML says a mapping's keys are unique, but PyYAML keeps the last of two equal keys without a
word: a response declared twice under one status code silently loses the first. Every reader
of a YAML file the repository owns goes through `load_yaml`/`read_yaml`, which refuse a
duplicate with the file and both lines. Merge keys (`<<: *anchor`) still work: a key written
beside a merge overrides the merged one, as YAML intends; only keys written twice are refused.

    >>> load_yaml("a: 1\\nb: 2\\n", "ok.yaml")
    {'a': 1, 'b': 2}
    >>> load_yaml("a: 1\\nb:\\n  c: 1\\n  c: 2\\n", "twice.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    yaml.constructor.ConstructorError: while constructing a mapping
      in "twice.yaml", line 3, column 3:
    ...
    found key 'c' a second time (first on line 3)
      in "twice.yaml", line 4, column 3:
    ...
    >>> load_yaml("base: &b {x: 1, y: 2}\\nuse:\\n  <<: *b\\n  y: 3\\n", "merge.yaml")["use"]
    {'x': 1, 'y': 3}
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cache
from pathlib import Path
from typing import Any

_MERGE_TAG = "tag:yaml.org,2002:merge"


@cache
def _unique_key_loader() -> type[Any]:
    # PyYAML is imported here, not at the top: bundles carry this module (the contract reader
    # imports it in the repository only) and a deployed function never loads a YAML parser.
    import yaml
    from yaml.constructor import ConstructorError

    class UniqueKeyLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Hashable, Any]:
            first_line: dict[Hashable, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, Hashable):
                    continue  # SafeLoader refuses it below, with its own message
                if key in first_line:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found key {key!r} a second time (first on line {first_line[key]})",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
            mapping: dict[Hashable, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    return UniqueKeyLoader


def load_yaml(text: str | bytes, source_name: str) -> Any:
    """One YAML document; `source_name` (a path) is what an error names."""
    loader = _unique_key_loader()(text)
    loader.name = source_name
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"), str(path))
