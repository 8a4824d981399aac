"""One API operation of contracts/openapi.yaml, and the check of a request against it.

The contract is the validator: the body, the query and the path parameters of a
request are checked against the operation's declared parameters, so what the
gateway serves, what the app is generated from and what the function accepts
cannot drift apart.

Before the schema, every string of a request must be one a store can hold (no NUL,
no lone surrogate: `wellness.platform.text`) and a body may nest at most
`MAX_BODY_DEPTH` levels: such input is a 400 here, never a driver's error later.

    >>> op = operation("authSignup")
    >>> op.method, op.path
    ('POST', '/v1/auth/signup')
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any, Mapping

from . import compiled_schemas, contracts, text
from .errors import NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError

if TYPE_CHECKING:
    from .schemas import DocumentValidator

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")  # the operation keys of a path item
# The contract's bodies nest three or four levels; JSON nested deeper than this is refused before anything
# walks it (json.loads itself gives up near 1,000 levels with a RecursionError).
MAX_BODY_DEPTH = 32
_MAX_DETAILS = 20


@dataclasses.dataclass(frozen=True)
class DocumentOperation:
    """One operation as written in an OpenAPI 2.0 document, with its path item (for shared parameters)."""

    method: str  # upper case
    path: str
    spec: dict[str, Any]
    item: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", ""))


def document_operations(doc: Mapping[str, Any]) -> list[DocumentOperation]:
    """Every operation of the document, in its order: the one walk of paths x methods.

    The library's validator, the local gateway, the contract tools and the tests all
    read the contract's operations through this.

    >>> [f"{op.method} {op.path}" for op in document_operations(contracts.openapi())][:1]
    ['POST /v1/auth/signup']
    """
    return [
        DocumentOperation(method.upper(), path, item[method], item)
        for path, item in (doc.get("paths") or {}).items()
        for method in HTTP_METHODS
        if isinstance(item, dict) and isinstance(item.get(method), dict)
    ]


@dataclasses.dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[dict[str, Any], ...]
    body_pointer: str | None  # JSON pointer of the body schema in the document
    body_required: bool
    secured: bool
    headers: tuple[str, ...] = ()  # the header parameters it declares (Idempotency-Key, If-Match)

    def declares_header(self, name: str) -> bool:
        return name.lower() in (h.lower() for h in self.headers)

    @property
    def path_regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{pattern}/?$")

    def match_path(self, path: str) -> dict[str, str] | None:
        found = self.path_regex.match(path)
        return found.groupdict() if found else None


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _resolve(doc: Mapping[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    """A parameter, or the one its `$ref` names (`#/parameters/Name`: shared by several operations)."""
    ref = param.get("$ref")
    if not ref:
        return param
    resolved: dict[str, Any] = doc["parameters"][ref.removeprefix("#/parameters/")]
    return resolved


def index(doc: Mapping[str, Any]) -> dict[str, Operation]:
    """Every operation of an OpenAPI document by its operationId."""
    top_security = doc.get("security", [])
    ops: dict[str, Operation] = {}
    for found in document_operations(doc):
        spec, path, method = found.spec, found.path, found.method.lower()
        shared_params = [_resolve(doc, p) for p in found.item.get("parameters", [])]
        params = [*shared_params, *(_resolve(doc, p) for p in spec.get("parameters", []))]
        body_pointer = None
        body_required = False
        for i, param in enumerate(spec.get("parameters", [])):
            if param.get("in") == "body":
                body_pointer = f"/paths/{_escape(path)}/{method}/parameters/{i}/schema"
                body_required = bool(param.get("required"))
        ops[found.operation_id] = Operation(
            operation_id=found.operation_id,
            method=found.method,
            path=path,
            parameters=tuple(p for p in params if p.get("in") in ("query", "path")),
            body_pointer=body_pointer,
            body_required=body_required,
            secured=bool(spec.get("security", top_security)),
            headers=tuple(str(p["name"]) for p in params if p.get("in") == "header"),
        )
    return ops


@cache
def _index() -> dict[str, Operation]:
    return index(contracts.openapi())


def operation(operation_id: str) -> Operation:
    try:
        return _index()[operation_id]
    except KeyError:
        raise KeyError(f"operation {operation_id!r} is not in contracts/openapi.yaml") from None


@cache
def _validator() -> DocumentValidator:
    # jsonschema loads with the first body or parameter to check that a bundle's generated validator
    # (compiled_schemas) does not pass as it is: never at cold start, and for a valid request not at all.
    from .schemas import DocumentValidator

    return DocumentValidator(contracts.openapi())


_PARAM_SCHEMA_KEYS = (
    "type",
    "format",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "minItems",
    "maxItems",
    "x-text",
)


def parameter_schema(param: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a query or path parameter: its declaration's schema keywords."""
    return {k: param[k] for k in _PARAM_SCHEMA_KEYS if k in param}


def _convert(raw: str, kind: str | None) -> Any:
    """A query or path string as the declared type; left as is when it does not parse (the schema says why)."""
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def check_parameters(op: Operation, query: Mapping[str, str], path_params: Mapping[str, str]) -> dict[str, Any]:
    """The declared query and path parameters, converted and validated. Undeclared query keys are ignored."""
    values: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []
    for param in op.parameters:
        name, where = param["name"], param["in"]
        source = path_params if where == "path" else query
        if name not in source:
            # With CONSTANT_ADDRESS the gateway passes path parameters as query parameters.
            source = query if where == "path" else source
        if name not in source:
            if param.get("required"):
                problems.append({"field": f"{where}.{name}", "message": "is required"})
            elif "default" in param:
                values[name] = param["default"]
            continue
        broken = text.unstorable(source[name])
        if broken:
            problems.append({"field": f"{where}.{name}", "message": broken})
            continue
        schema = parameter_schema(param)
        value = _convert(source[name], param.get("type"))
        if compiled_schemas.accepts(compiled_schemas.schema_key(schema), value):
            values[name] = value  # valid as it is, by the validator packaging generated: no jsonschema
            continue
        from .schemas import prepare  # see _validator: only a parameter to explain or normalise loads jsonschema

        value, found = prepare(schema, value, where=f"{where}.{name}")
        problems += found
        values[name] = value
    # An id that cannot exist names no resource: 404, as for an id that does not exist.
    if any(p["field"].startswith("path.") for p in problems):
        raise NotFoundError("not_found", "No such resource.")
    if problems:
        raise ValidationError("invalid_parameters", "Some parameters do not match the contract.", problems)
    return values


def parse_body(op: Operation, raw: bytes, content_type: str | None, max_bytes: int) -> Any:
    """The JSON body, validated against the operation's schema (None when it takes none)."""
    if len(raw) > max_bytes:
        raise PayloadTooLargeError("payload_too_large", f"The body must be at most {max_bytes} bytes.")
    if op.body_pointer is None:
        return None
    if not raw.strip():
        if op.body_required:
            raise ValidationError("body_required", "A JSON body is required.")
        return None
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaTypeError("unsupported_media_type", "Send the body as application/json.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("malformed_json", "The body is not valid JSON.") from None
    except RecursionError:
        body = None  # nested far deeper than MAX_BODY_DEPTH
        problems = [{"field": "body", "message": f"must not nest deeper than {MAX_BODY_DEPTH} levels"}]
    else:
        problems = unstorable_strings(body, where="body")
    if problems:
        raise ValidationError("validation_failed", "The body does not match the contract.", problems)
    if compiled_schemas.accepts(compiled_schemas.pointer_key(op.body_pointer), body):
        return body  # valid as it is, by the validator packaging generated: no jsonschema
    body, problems = _validator().prepare(op.body_pointer, body, where="body")
    if problems:
        raise ValidationError("validation_failed", "The body does not match the contract.", problems)
    return body


def unstorable_strings(value: Any, *, where: str, max_depth: int = MAX_BODY_DEPTH) -> list[dict[str, Any]]:
    """Problems with a parsed JSON value: nesting past max_depth, keys or strings no store can hold.

    One iterative walk (a recursive one is what deep nesting breaks).

    >>> unstorable_strings({"tags": ["ok", "a\\u0000"]}, where="body")
    [{'field': 'body.tags.1', 'message': 'must not contain NUL characters'}]
    >>> unstorable_strings([[[]]], where="body", max_depth=2)
    [{'field': 'body', 'message': 'must not nest deeper than 2 levels'}]
    """
    problems: list[dict[str, Any]] = []
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack and len(problems) < _MAX_DETAILS:
        node, field, depth = stack.pop()
        if isinstance(node, str):
            broken = text.unstorable(node)
            if broken:
                problems.append({"field": field, "message": broken})
        elif isinstance(node, (dict, list)):
            if depth >= max_depth:
                return [{"field": where, "message": f"must not nest deeper than {max_depth} levels"}]
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, item in items:
                broken = text.unstorable(key) if isinstance(key, str) else None
                if broken:
                    problems.append({"field": field, "message": f"field names {broken}"})
                    continue
                stack.append((item, f"{field}.{key}", depth + 1))
    return sorted(problems, key=lambda p: p["field"])
