"""The validators packaging generates never accept what the library's jsonschema check refuses.

`wellness.platform.compiled_schemas` trusts a generated validator only to say "valid as it
is"; jsonschema (`wellness.platform.schemas`) still decides everything else. So for every
schema the repository's bundles carry, any instance the generated code passes must be one
jsonschema passes unchanged (no problem, no string to put in NFC), over instances built
from the schema's own field names and awkward values (floats for integers, booleans for
numbers, impossible dates, a newline after a pattern's end, text that NFC changes, control
characters). And the fast path is taken: the contract's examples and valid requests pass it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack.catalog import CONTRACTS_DIR
from devstack.deploy import precompile as precompile_module
from devstack.deploy.precompile import OPENAPI_COMPILED, compiled_openapi, precompile
from wellness.platform import compiled_schemas, schemas
from wellness.platform.contracts import openapi
from wellness.platform.operations import index, parameter_schema

pytestmark = pytest.mark.unit


def _bundle_files() -> dict[str, bytes]:
    files = {OPENAPI_COMPILED: compiled_openapi((CONTRACTS_DIR / "openapi.yaml").read_bytes())}
    for path in sorted((CONTRACTS_DIR / "events").glob("*.json")):
        files[f"wellness/_contracts/events/{path.name}"] = path.read_bytes()
    return files


GENERATED = precompile(_bundle_files())
DOCUMENT = schemas.DocumentValidator(openapi())


def _load(source: bytes) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<generated>", "exec"), namespace)  # noqa: S102 - the code packaging ships
    return namespace["validate"]


def _cases() -> Iterator[tuple[str, str, dict[str, Any] | None]]:
    """(key, where, standalone schema or None for a body pointer) of every schema a bundle checks."""
    for op in index(openapi()).values():
        if op.body_pointer:
            yield compiled_schemas.pointer_key(op.body_pointer), op.body_pointer, None
        for param in op.parameters:
            schema = parameter_schema(param)
            yield compiled_schemas.schema_key(schema), f"{op.operation_id}.{param['name']}", schema
    for path in sorted((CONTRACTS_DIR / "events").glob("*.json")):
        schema = json.loads(path.read_bytes())
        yield compiled_schemas.schema_key(schema), path.name, schema


CASES = list(_cases())


@pytest.fixture(autouse=True)
def generated_validators(monkeypatch: pytest.MonkeyPatch) -> None:
    """compiled_schemas as in a bundle: each key's generated module loaded (here by exec, not import)."""
    loaded = {
        key: _load(GENERATED[f"wellness/_validators/{compiled_schemas.module_name(key)}.py"]) for key, _, _ in CASES
    }
    monkeypatch.setattr(compiled_schemas, "_loaded", loaded)


def _full(key_where: str, schema: dict[str, Any] | None, instance: Any) -> tuple[Any, list[dict[str, Any]]]:
    if schema is None:
        return DOCUMENT.prepare(key_where, copy.deepcopy(instance), where="body")
    return schemas.prepare(schema, copy.deepcopy(instance), where="x")


def _names(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node.get("properties", {}))
        for value in node.values():
            found |= _names(value)
        return found
    if isinstance(node, list):
        return set().union(*map(_names, node)) if node else set()
    return set()


LEAVES = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            0,
            1,
            5,
            1.0,
            2.5,
            -1,
            10**6,
            "",
            "a",
            "UTC",
            "Europe/Paris",
            "Ada",
            "Zoe\u0308",
            "Zo\u00eb",
            "a\u0007b",
            "line\nbreak",
            "\u200b",
            "ada@example.com",
            "ada@example.com\n",
            "ada@x",
            "2026-01-31",
            "2026-02-30",
            "20260131",
            "2026-01-31T10:00:00Z",
            "2026-01-31 10:00:00",
            "2026-01-31T10:00:00",
            "4b0d4a4e-3b8b-4a4e-9f8e-0d1c2b3a4f5e",
            "4b0d4a4e3b8b4a4e9f8e0d1c2b3a4f5e",
            "mindful-7",
            "mindful-7\n",
            "correct horse battery",
            "x" * 300,
            "user.created",
            "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        ]
    ),
    st.text(max_size=12),
    st.integers(),
)


def _instances(schema: Any) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(sorted(_names(schema) | {"extra"}))
    return st.recursive(
        LEAVES,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=6)),
        max_leaves=12,
    )


@pytest.mark.parametrize(("key", "where", "schema"), CASES, ids=[where for _, where, _ in CASES])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_what_the_generated_validator_passes_jsonschema_passes_unchanged(
    key: str, where: str, schema: dict[str, Any] | None, data: st.DataObject
) -> None:
    instance = data.draw(_instances(schema if schema is not None else openapi()))
    if compiled_schemas.accepts(key, instance):
        assert _full(where, schema, instance) == (instance, []), instance


def _signup_key() -> str:
    return compiled_schemas.pointer_key(index(openapi())["authSignup"].body_pointer or "")


def test_valid_input_takes_the_fast_path() -> None:
    signup = {"email": "ada@example.com", "password": "correct horse battery", "displayName": "Zoë", "timezone": "UTC"}
    assert compiled_schemas.accepts(_signup_key(), signup)
    for path in sorted((CONTRACTS_DIR / "events").glob("*.json")):
        schema = json.loads(path.read_bytes())
        for example in schema.get("examples", []):
            assert compiled_schemas.accepts(compiled_schemas.schema_key(schema), example), path.name
            assert _full(path.name, schema, example) == (example, []), path.name


def test_text_that_nfc_changes_or_refuses_goes_to_jsonschema() -> None:
    key = _signup_key()
    body = {"email": "ada@example.com", "password": "correct horse battery", "timezone": "UTC"}
    assert not compiled_schemas.accepts(key, {**body, "displayName": "Zoe\u0308"})
    assert not compiled_schemas.accepts(key, {**body, "displayName": "Ada\u0007"})
    assert not compiled_schemas.accepts(key, {**body, "displayName": "Zoë", "extra": 1})


def test_generation_is_deterministic() -> None:
    precompile_module._generated.cache_clear()  # generated again, not remembered
    precompile_module._validators.cache_clear()
    assert precompile(_bundle_files()) == GENERATED
