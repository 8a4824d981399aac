"""The breaking-change gate: compare the contracts with those of a base revision.

The mobile app is generated from contracts/, so a change that an app already in
people's hands cannot follow must not merge unnoticed. Breaking:

- an operation removed;
- a request: a new required field or parameter, a field's type narrowed (a type or
  null no longer accepted, enum values removed, tighter length, range or pattern);
- a response (2xx) or an event body: a field removed, no longer always present, or its
  type changed.

Additions (operations, optional request fields, response fields) pass.

    scripts/contract-diff --base origin/main     # exit 1 and a readable list when breaking
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from devstack.catalog import REPO_ROOT
from wellness.platform.operations import document_operations
from wellness.platform.strict_yaml import load_yaml

Schema = dict[str, Any]


def _resolve(doc: Schema, node: Any) -> Any:
    """Follow local $refs (one document), so schemas compare by what they say."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 50:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def _types(schema: Schema) -> set[str]:
    kind = schema.get("type")
    types = set(kind) if isinstance(kind, list) else {kind} if kind else set()
    if schema.get("x-nullable") or schema.get("nullable"):
        types.add("null")
    return types


def _required(schema: Schema) -> set[str]:
    """A schema's required fields (a parameter's own `required: true` is not a list of fields)."""
    required = schema.get("required", [])
    return set(required) if isinstance(required, list) else set()


def _request(doc_a: Schema, a: Any, doc_b: Schema, b: Any, where: str, out: list[str]) -> None:
    """What the old clients send (valid under a) must stay valid under b."""
    a, b = _resolve(doc_a, a) or {}, _resolve(doc_b, b) or {}
    if _types(a) and _types(b) and not _types(a) <= _types(b):
        out.append(f"{where}: type narrowed from {sorted(_types(a))} to {sorted(_types(b))}")
    if "enum" in b and set(map(json.dumps, a.get("enum", [None]))) - set(map(json.dumps, b["enum"])):
        out.append(f"{where}: enum narrowed")
    for key, tighter in (
        ("maxLength", "<"),
        ("maximum", "<"),
        ("maxItems", "<"),
        ("minLength", ">"),
        ("minimum", ">"),
        ("minItems", ">"),
    ):
        old, new = a.get(key), b.get(key)
        if new is not None and (old is None or (new < old if tighter == "<" else new > old)):
            out.append(f"{where}: {key} tightened to {new}")
    if b.get("pattern") and b.get("pattern") != a.get("pattern"):
        out.append(f"{where}: pattern changed or added")
    for name in sorted(_required(b) - _required(a)):
        out.append(f"{where}.{name}: became required")
    props_a, props_b = a.get("properties", {}), b.get("properties", {})
    for name in sorted(set(props_a) & set(props_b)):
        _request(doc_a, props_a[name], doc_b, props_b[name], f"{where}.{name}", out)
    if b.get("additionalProperties") is False and a.get("additionalProperties") is not False:
        out.append(f"{where}: no longer accepts unknown fields")
    for name in sorted(set(props_a) - set(props_b)):
        if b.get("additionalProperties") is False:
            out.append(f"{where}.{name}: field no longer accepted")
    if "items" in a and "items" in b:
        _request(doc_a, a["items"], doc_b, b["items"], f"{where}[]", out)


def _response(doc_a: Schema, a: Any, doc_b: Schema, b: Any, where: str, out: list[str]) -> None:
    """What the old clients read (fields, their presence and types) must still be there."""
    a, b = _resolve(doc_a, a) or {}, _resolve(doc_b, b) or {}
    if _types(a) and _types(b) and not _types(b) <= _types(a):
        out.append(f"{where}: type changed from {sorted(_types(a))} to {sorted(_types(b))}")
    props_a, props_b = a.get("properties", {}), b.get("properties", {})
    for name in sorted(props_a):
        if name not in props_b:
            out.append(f"{where}.{name}: field removed")
        else:
            if name in _required(a) and name not in _required(b):
                out.append(f"{where}.{name}: no longer always present")
            _response(doc_a, props_a[name], doc_b, props_b[name], f"{where}.{name}", out)
    if "items" in a and "items" in b:
        _response(doc_a, a["items"], doc_b, b["items"], f"{where}[]", out)


def _operations(doc: Schema) -> dict[str, Schema]:
    return {
        f"{op.method} {op.path}": {**op.spec, "_shared": op.item.get("parameters", [])}
        for op in document_operations(doc)
    }


def _params(doc: Schema, op: Schema) -> dict[tuple[str, str], Schema]:
    params = [_resolve(doc, p) for p in [*op["_shared"], *op.get("parameters", [])]]
    return {(p["in"], p["name"]): p for p in params}


def openapi_changes(base: Schema, head: Schema) -> list[str]:
    out: list[str] = []
    ops_a, ops_b = _operations(base), _operations(head)
    for key in sorted(set(ops_a) - set(ops_b)):
        out.append(f"{key}: operation removed")
    for key in sorted(set(ops_a) & set(ops_b)):
        params_a, params_b = _params(base, ops_a[key]), _params(head, ops_b[key])
        for pkey, param in sorted(params_b.items()):
            where = f"{key} request body" if pkey[0] == "body" else f"{key} {pkey[0]} parameter {pkey[1]}"
            if param.get("required") and not params_a.get(pkey, {}).get("required"):
                out.append(f"{where}: became required")
            if pkey in params_a:
                schema_a = params_a[pkey].get("schema", params_a[pkey])
                _request(base, schema_a, head, param.get("schema", param), where, out)
        for status, response in ops_a[key].get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            new = ops_b[key].get("responses", {}).get(status)
            if new is None:
                out.append(f"{key} {status}: response removed")
                continue
            old_schema = _resolve(base, response).get("schema")
            new_schema = _resolve(head, new).get("schema")
            if old_schema is not None:
                _response(base, old_schema, head, new_schema or {}, f"{key} {status} response", out)
    return out


def event_changes(base: dict[str, Schema], head: dict[str, Schema]) -> list[str]:
    out: list[str] = []
    for name in sorted(set(base) - set(head)):
        out.append(f"event {name}: schema removed")
    for name in sorted(set(base) & set(head)):
        _response(base[name], base[name], head[name], head[name], f"event {name}", out)
    return out


def _read_at(repo: Path, revision: str | None, path: str) -> str | None:
    if revision is None:
        file = repo / path
        return file.read_text() if file.exists() else None
    shown = subprocess.run(["git", "-C", str(repo), "show", f"{revision}:{path}"], capture_output=True, text=True)
    return shown.stdout if shown.returncode == 0 else None


def _events_at(repo: Path, revision: str | None) -> dict[str, Schema]:
    if revision is None:
        names = [p.name for p in (repo / "contracts" / "events").glob("*.json")]
    else:
        listed = subprocess.run(
            ["git", "-C", str(repo), "ls-tree", "--name-only", f"{revision}:contracts/events/"],
            capture_output=True,
            text=True,
            check=True,
        )
        names = [n for n in listed.stdout.split() if n.endswith(".json")]
    return {name: json.loads(_read_at(repo, revision, f"contracts/events/{name}") or "{}") for name in names}


def changes(base_revision: str, head_revision: str | None = None, repo: Path = REPO_ROOT) -> list[str]:
    """Breaking changes from base_revision to head_revision (None: the working tree)."""
    # The base is history, read as it was parsed then (last key wins); the head must hold each key once.
    base_doc = yaml.safe_load(_read_at(repo, base_revision, "contracts/openapi.yaml") or "{}") or {}
    head_text = _read_at(repo, head_revision, "contracts/openapi.yaml") or "{}"
    head_doc = load_yaml(head_text, "contracts/openapi.yaml") or {}
    base_events, head_events = _events_at(repo, base_revision), _events_at(repo, head_revision)
    return openapi_changes(base_doc, head_doc) + event_changes(base_events, head_events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the revision to compare with (e.g. origin/main)")
    parser.add_argument("--head", help="the revision to check (default: the working tree)")
    args = parser.parse_args()
    found = changes(args.base, args.head)
    if found:
        print(f"{len(found)} breaking change(s) to the contracts since {args.base}:")
        for line in found:
            print(f"  - {line}")
        print("Make the change additive, or version the operation or event (a new path or event version).")
        return 1
    print(f"no breaking change to the contracts since {args.base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
