"""Validators generated at packaging: a valid body, parameter or event is checked without jsonschema.

Packaging (`devstack.deploy.precompile`) compiles every schema a bundle can check (each
operation's body and parameters in the OpenAPI document, each event schema it ships) with
fastjsonschema into Python source, one module per schema under `wellness/_validators/`, named
by `module_name(key)`. The first request then imports the one module it needs (plain code:
`re`, `decimal` and this module) instead of jsonschema and its dependencies.

It is a fast path for the common case only. `accepts(key, instance)` is True when the
instance is valid and every `x-text` string in it is already in NFC: exactly when
`wellness.platform.schemas` would hand back the same instance and no problem. Anything
else (an invalid instance, a string to normalise, no generated module, as in the repository
and its tests) goes to `wellness.platform.schemas`, which alone writes error details: a 4xx
body is the same whether or not a bundle has generated validators.

    >>> accepts(schema_key({"type": "string"}), "no module in the repository: the slow path decides")
    False
    >>> FORMATS["date"]("2026-02-30"), FORMATS["x-text-line"]("Zoe\\u0308"), FORMATS["x-text-line"]("Zo\\u00eb")
    (False, False, True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import re
import uuid
from typing import Any, Callable

from . import text

PACKAGE = "wellness._validators"  # where packaging writes the generated modules, inside the bundle
_MISSING = object()
_loaded: dict[str, Any] = {}


def _never_raises(check: Callable[[str], bool]) -> Callable[[str], bool]:
    def safe(value: str) -> bool:
        try:
            return check(value)
        except ValueError:
            return False

    return safe


def _is_date(value: str) -> bool:
    return bool(dt.date.fromisoformat(value)) and len(value) == 10


def _is_datetime(value: str) -> bool:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None and "T" in value.upper()


# RFC 5322 dot-atom local part and a DNS host name with a dot: what mail servers take, in ASCII.
# (Internationalised addresses would be the "idn-email" format.)
_EMAIL = (
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def _is_email(value: str) -> bool:
    # re caches the compiled pattern: compiled by the first address checked, not at import (every function imports this)
    return re.fullmatch(_EMAIL, value) is not None and len(value) <= 254


def _is_uuid(value: str) -> bool:
    return bool(uuid.UUID(value)) and len(value) == 36


def _stored_as_is(kind: str) -> Callable[[str], bool]:
    """`x-text: kind`, for the fast path: allowed text that NFC leaves unchanged."""
    return lambda value: text.refused(value, kind) is None and text.normalise(value) == value


# The string formats the contract uses, for strings only (wellness.platform.schemas checks the same
# predicates through jsonschema); `x-text-KIND` is what packaging turns `x-text: KIND` into.
FORMATS: dict[str, Callable[[str], bool]] = {
    "date": _never_raises(_is_date),
    "date-time": _never_raises(_is_datetime),
    "email": _is_email,
    "uuid": _never_raises(_is_uuid),
    **{f"x-text-{kind}": _stored_as_is(kind) for kind in text.KINDS},
}


def schema_key(schema: dict[str, Any]) -> str:
    """The key of a standalone (draft 7) schema: its canonical JSON."""
    return "schema:" + json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pointer_key(pointer: str) -> str:
    """The key of a schema inside the OpenAPI document (draft 4), by its JSON pointer."""
    return "openapi:" + pointer


def module_name(key: str) -> str:
    return "v_" + hashlib.sha256(key.encode()).hexdigest()[:20]


def accepts(key: str, instance: Any) -> bool:
    """True when the generated validator of `key` passes `instance` as it is; False otherwise or without one."""
    validate = _loaded.get(key, _MISSING)
    if validate is _MISSING:
        try:
            validate = importlib.import_module(f"{PACKAGE}.{module_name(key)}").validate
        except ImportError:
            validate = None
        _loaded[key] = validate
    if validate is None:
        return False
    try:
        validate(instance, FORMATS)
    except Exception:  # noqa: BLE001 - any refusal (or a surprise) leaves the decision to jsonschema
        return False
    return True


class JsonSchemaValueException(ValueError):  # noqa: N818 - the name the generated code raises
    """What a generated validator raises (its `from fastjsonschema import ...` is rewritten to this module)."""

    def __init__(self, message: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(message)


JsonSchemaValuesException = JsonSchemaValueException
