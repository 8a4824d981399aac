"""The hostile variants of an operation's valid request, by class, derived from the contract.

Each class of issue 12's "500 on bad input" is a function of the operation: every
string field of its body, every path id, every query parameter, every cursor and date
it takes. A new operation, field or parameter gets its variants without a line here;
`variants(op, "user-visible text")` for sign-up, say, is the display name with each
character of devstack.contract.hostile.INVISIBLE.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
from collections.abc import Iterator
from typing import Any, Callable

import requests

from devstack.contract.hostile import DEEP_JSON, INVISIBLE, RESERVED_IDS, SURROGATE_IN_URL, UNSTORABLE, inject

from ..security.contract import ContractOperation, resolve
from ..security.raw_api import Api
from .controls import Request, parameters

KINDS = ("unstorable strings", "user-visible text", "deep json", "path ids", "cursors", "calendar edges")
EDGE_DAYS = ("0001-01-01", "9999-12-31")
# HTTP clients decode %2E and the gateway resolves dot segments (as Envoy does): such a path may
# name another route, which answers as it does; it just must not fail. It is sent by a throwaway
# account: DELETE /v1/me/reflections/.. is DELETE /v1/me, which ends its caller's account.
ROUTED_ELSEWHERE = {"dot", "dot dot"}
BAD = frozenset({400})


@dataclasses.dataclass(frozen=True)
class Variant:
    name: str
    send: Callable[[Api, Request], requests.Response]  # sends the hostile request in place of a valid one
    expect: frozenset[int] | None  # the statuses it may answer; None: anything below 500
    field: str | None = None  # the field its error details must name
    throwaway_caller: bool = False  # sent with a new account's token: it may reach another route


def _fields(schema: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path, schema) of every string a body may hold; an array's path goes through its first item."""
    schema = resolve(schema)
    if schema.get("type") == "string":
        yield path, schema
    for name, prop in (schema.get("properties") or {}).items():
        yield from _fields(prop, (*path, name))
    if isinstance(schema.get("items"), dict):
        yield from _fields(schema["items"], (*path, 0))


def _at(body: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        try:
            body = body[key]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def _with(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of body with value at path (containers made where missing)."""
    body = copy.deepcopy(body) if body is not None else {}
    node = body
    for key, following in zip(path, path[1:], strict=False):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(key, int):
            if not node:
                node.append(empty)
        elif not isinstance(node.get(key), (list, dict)):
            node[key] = empty
        node = node[key]
    last = path[-1]
    if isinstance(last, int):
        node[:1] = [value]
    else:
        node[last] = value
    return body


Send = Callable[[Api, Request], requests.Response]


def _changing(**changes: Any) -> Send:
    """Send the request with these inputs replaced (see Request.send)."""
    return lambda api, request: request.send(api, **changes)


def _with_field(path: tuple[Any, ...], value: Any) -> Send:
    """Send the request with one body field replaced."""
    return lambda api, request: request.send(api, body=_with(request.body, path, value))


def _field_name(path: tuple[Any, ...]) -> str:
    return ".".join(["body", *map(str, path)])


def _body_variants(op: ContractOperation, request_body: Any, hostile: dict[str, str], only_text: bool) -> list[Variant]:
    if op.body_schema is None:
        return []
    found = []
    for path, schema in _fields(op.body_schema):
        if only_text and "x-text" not in schema:
            continue
        example = _at(request_body, path)
        base = example if isinstance(example, str) and example else "abc"
        for label, char in hostile.items():
            field = _field_name(path)
            found.append(Variant(f"{field} with {label}", _with_field(path, inject(base, char, 1)), BAD, field))
    return found


def _query_variants(op: ContractOperation) -> list[Variant]:
    found = []
    for param in parameters(op, "query"):
        if param.get("type") != "string":
            continue
        for label, raw in (("nul", "a%00b"), ("lone surrogate", f"a{SURROGATE_IN_URL}b")):
            name = param["name"]
            found.append(Variant(f"query {name} with {label}", _changing(raw_query={name: raw}), BAD))
    return found


def _cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).rstrip(b"=").decode()


def _cursor_variants(op: ContractOperation) -> list[Variant]:
    if not any(p["name"] == "cursor" for p in parameters(op, "query")):
        return []
    refused: dict[str, Any] = {}
    for size in (1, 2, 3):  # whatever the list's sort key, one of these has its length
        refused |= {f"{label} x{size}": [inject("k", char, 1)] * size for label, char in UNSTORABLE.items()}
    refused |= {"a number": [1e308], "a nested list": [[["k"]]], "an object": {"k": "v"}, "empty": []}
    edge = {f"{day} x{size}": [day] * size for day in EDGE_DAYS for size in (1, 2, 3)}
    found = [Variant(f"cursor {name}", _changing(query={"cursor": _cursor(v)}), BAD) for name, v in refused.items()]
    # A reporting cursor is a day before `to`: the end of the calendar was never given out (issue 12).
    expect = BAD if op.operation_id == "reportingDaily" else frozenset({200, 400})
    found += [Variant(f"cursor {name}", _changing(query={"cursor": _cursor(v)}), expect) for name, v in edge.items()]
    return found


def _date_variants(op: ContractOperation, request_body: Any) -> list[Variant]:
    found = []
    dated = [p["name"] for p in parameters(op, "query") if p.get("format") == "date"]
    for day in EDGE_DAYS:
        found += [Variant(f"query {name}={day}", _changing(query={name: day}), None) for name in dated]
        if len(dated) > 1:
            found.append(Variant(f"every date {day}", _changing(query=dict.fromkeys(dated, day)), None))
        body_dates = [path for path, schema in _fields(op.body_schema or {}) if schema.get("format") == "date"]
        found += [Variant(f"{_field_name(path)}={day}", _with_field(path, day), None) for path in body_dates]
    return found


def variants(op: ContractOperation, kind: str, request_body: Any = None) -> list[Variant]:
    """The hostile requests of one class for `op`; `request_body` is its valid body (fields keep their values)."""
    if kind == "unstorable strings":
        return _body_variants(op, request_body, UNSTORABLE, only_text=False) + _query_variants(op)
    if kind == "user-visible text":
        return _body_variants(op, request_body, INVISIBLE, only_text=True)
    if kind == "deep json":
        if op.body_schema is None:  # the function reads no body: it must answer as it does without one
            return [Variant("a body of 10,000 nested arrays", _changing(raw_body=DEEP_JSON), None)]
        deep = [Variant("a body of 10,000 nested arrays", _changing(raw_body=DEEP_JSON), BAD)]
        for name in list(resolve(op.body_schema).get("properties") or {})[:1]:
            raw = b'{"' + name.encode() + b'": ' + DEEP_JSON + b"}"
            deep.append(Variant(f"body.{name} of 10,000 nested arrays", _changing(raw_body=raw), BAD))
        return deep
    if kind == "path ids":
        return [
            Variant(
                f"path {name} = {label}",
                _changing(raw_params={name: raw}),
                None if label in ROUTED_ELSEWHERE else frozenset({400, 404}),
                throwaway_caller=label in ROUTED_ELSEWHERE,
            )
            for name in op.path_params
            for label, raw in RESERVED_IDS.items()
        ]
    if kind == "cursors":
        return _cursor_variants(op)
    if kind == "calendar edges":
        return _date_variants(op, request_body)
    raise ValueError(kind)
