"""JSON Schema checks with safe error messages, for requests and events.

The messages name the field and the rule, never the value: a rejected password
must not come back in an error body or land in a log.

    >>> check({"type": "object", "required": ["a"]}, {}, where="body")
    [{'field': 'body.a', 'message': 'is required'}]

A string schema marked `x-text: line` or `x-text: multiline` is user-visible text
(`wellness.platform.text`): the validators refuse control and format characters in
it, and `DocumentValidator.prepare` hands back the instance with those strings in NFC
(checked again as normalised, so a length limit counts what is stored).

    >>> names = DocumentValidator({"definitions": {"Name": {"type": "string", "x-text": "line"}}})
    >>> names.prepare("/definitions/Name", "Zoe\\u0308", where="name") == ("Zo\\u00eb", [])
    True
    >>> names.prepare("/definitions/Name", "Ada\\u0007", where="name")[1]
    [{'field': 'name', 'message': 'must not contain invisible or control characters (U+0007)'}]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Callable

import jsonschema
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.validators import extend
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7

from . import compiled_schemas, text


def _string_format(check: Callable[[str], bool]) -> Callable[[object], bool]:
    """A format applies to strings only: any other type passes it (the `type` rule is another check)."""
    return lambda value: not isinstance(value, str) or check(value)


FORMATS = FormatChecker(formats=())
# One definition of each format, shared with the validators packaging generates (compiled_schemas).
for _name in ("date", "date-time", "email", "uuid"):
    FORMATS.checks(_name)(_string_format(compiled_schemas.FORMATS[_name]))


_NOT_NFC = "is not in NFC"  # not a problem: marks a string for prepare() to normalise


def _x_text(validator: Any, kind: Any, instance: Any, schema: Any) -> Iterator[jsonschema.ValidationError]:
    if not isinstance(instance, str):
        return
    problem = text.refused(instance, kind if kind in text.KINDS else "line")
    if problem:
        yield jsonschema.ValidationError(problem)
    elif text.normalise(instance) != instance:
        yield jsonschema.ValidationError(_NOT_NFC)


_Draft4 = extend(jsonschema.Draft4Validator, {"x-text": _x_text})
_Draft7 = extend(Draft7Validator, {"x-text": _x_text})


def _field(where: str, path: Any) -> str:
    parts = [where, *(str(p) for p in path)]
    return ".".join(p for p in parts if p)


_PLURAL = {True: "s", False: ""}


def _message(error: jsonschema.ValidationError) -> tuple[list[Any], str]:
    """(extra path, message) for one error, in words that never quote the value."""
    v, arg = error.validator, error.validator_value
    path = list(error.absolute_path)
    if v == "required":
        missing = re.match(r"'([^']+)'", error.message)
        return path + ([missing.group(1)] if missing else []), "is required"
    if v == "additionalProperties":
        extras = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return path, "unknown field(s): " + ", ".join(extras)
    messages: dict[str, Callable[[], str]] = {
        "type": lambda: f"must be of type {arg if isinstance(arg, str) else ' or '.join(arg)}",
        "minLength": lambda: f"must be at least {arg} character{_PLURAL[arg != 1]}",
        "maxLength": lambda: f"must be at most {arg} character{_PLURAL[arg != 1]}",
        "minimum": lambda: f"must be at least {arg}",
        "maximum": lambda: f"must be at most {arg}",
        "exclusiveMinimum": lambda: f"must be more than {arg}",
        "exclusiveMaximum": lambda: f"must be less than {arg}",
        "enum": lambda: "must be one of " + ", ".join(map(str, arg)),
        "const": lambda: f"must be {arg}",
        "pattern": lambda: "has an invalid format",
        "format": lambda: f"must be a valid {arg}",
        "minItems": lambda: f"must have at least {arg} item{_PLURAL[arg != 1]}",
        "maxItems": lambda: f"must have at most {arg} item{_PLURAL[arg != 1]}",
        "uniqueItems": lambda: "must not repeat items",
        "minProperties": lambda: f"must have at least {arg} field{_PLURAL[arg != 1]}",
        "maxProperties": lambda: f"must have at most {arg} field{_PLURAL[arg != 1]}",
        "x-text": lambda: error.message,  # written by _x_text, naming code points, never the value
    }
    return path, messages.get(str(v), lambda: f"fails the {v} rule")()


def details(errors: list[jsonschema.ValidationError], where: str) -> list[dict[str, Any]]:
    out = []
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        path, message = _message(error)
        out.append({"field": _field(where, path), "message": message})
    return out


def _prepare(validator: Any, instance: Any, where: str) -> tuple[Any, list[dict[str, Any]]]:
    """The validator's own walk finds the x-text strings ($refs, arrays and all); NFC goes in where it marked one."""
    errors = list(validator.iter_errors(instance))
    marked = [error for error in errors if error.validator == "x-text" and error.message == _NOT_NFC]
    if marked:
        for error in marked:
            instance = _replace(instance, list(error.absolute_path), text.normalise(error.instance))
        errors = list(validator.iter_errors(instance))  # the limits apply to what is stored
    return instance, details([e for e in errors if not (e.validator == "x-text" and e.message == _NOT_NFC)], where)


def _replace(instance: Any, path: list[Any], value: Any) -> Any:
    """`instance` with the value at `path` replaced (in place below the top)."""
    if not path:
        return value
    parent = instance
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return instance


def check(schema: dict[str, Any], instance: Any, *, where: str = "") -> list[dict[str, Any]]:
    """Validate a standalone (draft 7) schema; return the error details, empty when valid."""
    return prepare(schema, instance, where=where)[1]


def prepare(schema: dict[str, Any], instance: Any, *, where: str = "") -> tuple[Any, list[dict[str, Any]]]:
    """(the instance with its `x-text` strings in NFC, the error details) for a standalone (draft 7) schema."""
    return _prepare(_Draft7(schema, format_checker=FORMATS), instance, where)


class DocumentValidator:
    """Validates instances against schemas that live inside one document (by JSON pointer).

    OpenAPI 2.0 schemas are a draft-4 dialect whose $refs point into the whole
    document, so each schema is checked as a $ref into that document.
    """

    def __init__(self, document: dict[str, Any], uri: str = "urn:openapi"):
        self._uri = uri
        resource = Resource.from_contents(to_json_schema(document), default_specification=DRAFT4)
        self._registry: Registry[Any] = Registry().with_resource(uri, resource)
        self._cache: dict[str, Any] = {}

    def check(self, pointer: str, instance: Any, *, where: str) -> list[dict[str, Any]]:
        return self.prepare(pointer, instance, where=where)[1]

    def prepare(self, pointer: str, instance: Any, *, where: str) -> tuple[Any, list[dict[str, Any]]]:
        """(the instance with its `x-text` strings in NFC, the error details, empty when valid)."""
        validator = self._cache.get(pointer)
        if validator is None:
            validator = _Draft4({"$ref": f"{self._uri}#{pointer}"}, registry=self._registry, format_checker=FORMATS)
            self._cache[pointer] = validator
        return _prepare(validator, instance, where)


def to_json_schema(node: Any) -> Any:
    """OpenAPI 2.0's `x-nullable: true` becomes a JSON Schema type that admits null."""
    if isinstance(node, dict):
        out = {k: to_json_schema(v) for k, v in node.items()}
        if out.get("x-nullable") is True and isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        return out
    if isinstance(node, list):
        return [to_json_schema(v) for v in node]
    return node


__all__ = ["check", "prepare", "details", "DocumentValidator", "FORMATS", "DRAFT7", "to_json_schema"]
