"""schemathesis hooks: hostile characters in the strings of every generated request.

Loaded by `scripts/contract-test` through SCHEMATHESIS_HOOKS=devstack.contract.hooks
(https://schemathesis.readthedocs.io/en/stable/guides/extending/). With the default
`--generation-codec utf-8` and `--generation-allow-x00 true`, schemathesis already
draws NUL and control characters, but never a lone surrogate ("Lone surrogates cannot
be encoded for the wire", schemathesis/generation/jsonschema/context.py) and only by
chance a bidi override or a zero-width space. These flatmap hooks (hook reference:
https://schemathesis.readthedocs.io/en/stable/reference/hooks/) replace, in about half
of the generated bodies, query strings and path parameters, one string with itself
plus one character of devstack.contract.hostile at a drawn position. Bodies go out as
JSON, where a lone surrogate travels as the escape `\\ud800` (json.dumps' ensure_ascii);
a URL cannot carry one, so query and path parameters get the others.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import schemathesis
from hypothesis import strategies as st

from devstack.contract.hostile import INVISIBLE, UNSTORABLE, inject

IN_BODIES = [*UNSTORABLE.values(), *INVISIBLE.values()]
IN_URLS = [UNSTORABLE["nul"], *INVISIBLE.values()]


def _strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _tainted(value: Any, path: tuple[Any, ...], char: str, at: int) -> Any:
    if not path:
        return inject(value, char, at)
    out = copy.deepcopy(value)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = inject(node[path[-1]], char, at)
    return out


def hostile(value: Any, chars: list[str]) -> st.SearchStrategy[Any]:
    """value as generated, or with one of its strings carrying one of chars."""
    paths = list(_strings(value))
    if not paths:
        return st.just(value)
    taint = st.tuples(st.sampled_from(paths), st.sampled_from(chars), st.integers(0, 64))
    return st.one_of(st.just(value), taint.map(lambda choice: _tainted(value, *choice)))


@schemathesis.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    return hostile(body, IN_BODIES)


@schemathesis.hook
def flatmap_query(context: Any, query: Any) -> st.SearchStrategy[Any]:
    return hostile(query, IN_URLS)


@schemathesis.hook
def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return hostile(path_parameters, IN_URLS)
