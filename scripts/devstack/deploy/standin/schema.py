"""The typed schema the stand-in serves, from the same `.jsii` assemblies as `tf_schema`.

`tf_schema.extract` keeps what a config check needs (names, required, block or argument). A
provider needs more: each attribute's type, which attributes only the provider sets
(computed), and each block's nesting. The `.jsii` of `@cdktf/provider-google(-beta)@16.12.1`
(generated from the 6.50.0 providers) holds all of it:

- a config interface's properties are the arguments and blocks (`optional` flags, types:
  `string`, `number`, `boolean | IResolvable`, arrays and maps of those; a block is an
  interface, a plain one when it takes at most one item);
- the resource class (a nested block: its `…OutputReference`) has a read-only getter for every
  attribute; one without a config property of that name is computed only (`uri`, `email`,
  `conditions`, …), typed by the getter (a `…List` of `…OutputReference`: a list of objects).

cdktf writes list and set attributes alike (arrays), so every collection is served as a list,
and every repeated block as a list block; a block of at most one item as a list of one (the
SDKv2 providers' `MaxItems: 1`), except `timeouts`, which is a single block in them. Optional
arguments are optional only: an unset one stays null (the real provider may fill some in).

Compact form, one file for both providers (only the types a configuration uses, see
`subset`): {"providers": {NAME: {"provider": BODY, "resource": {TYPE: BODY}, "data": {TYPE:
BODY}}}} where BODY = {"attrs": {name: {"type": CTY_JSON_TYPE, "required": bool, "computed":
bool}}, "blocks": {name: {"nesting": "list" | "single", "max": 0 | 1, "min": 0 | 1, "block": BODY}}}.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from devstack.deploy import tf_schema
from devstack.deploy.tf_schema import NODE_TOOLS, PACKAGES, SchemaMissing

VERSION = "2"  # bump when the compact form changes: invalidates the cache
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_PRIMITIVE = {"string": "string", "number": "number", "boolean": "bool", "date": "string", "any": "string"}
_CDKTF_TYPES: dict[str, Any] = {
    "cdktf.StringMap": ["map", "string"],
    "cdktf.NumberMap": ["map", "number"],
    "cdktf.BooleanMap": ["map", "bool"],
    "cdktf.AnyMap": ["map", "string"],
    "cdktf.StringMapList": ["list", ["map", "string"]],
    "cdktf.NumberMapList": ["list", ["map", "number"]],
    "cdktf.BooleanMapList": ["list", ["map", "bool"]],
    "cdktf.IResolvable": "bool",  # cdktf's type for a computed boolean
}


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


class _Assembly:
    """One provider package's `.jsii`: the typed bodies of its resources and data sources."""

    def __init__(self, jsii_path: Path) -> None:
        doc = json.loads(jsii_path.read_text())
        self.name: str = doc["name"]
        self.types: dict[str, Any] = doc["types"]

    def value_type(self, ref: dict[str, Any]) -> Any:
        """The cty JSON type of a jsii type reference that is not a block."""
        if "primitive" in ref:
            return _PRIMITIVE.get(ref["primitive"], "string")
        if "union" in ref:
            members = [m for m in ref["union"]["types"] if m.get("fqn") != "cdktf.IResolvable"]
            return self.value_type(members[0]) if members else "bool"
        if "collection" in ref:
            kind = "map" if ref["collection"]["kind"] == "map" else "list"
            return [kind, self.value_type(ref["collection"]["elementtype"])]
        fqn = ref.get("fqn", "")
        if fqn in _CDKTF_TYPES:
            return _CDKTF_TYPES[fqn]
        if fqn.endswith("List") and fqn.removesuffix("List") + "OutputReference" in self.types:
            return ["list", self.computed_object(fqn.removesuffix("List") + "OutputReference")]
        if fqn.endswith("OutputReference") and fqn in self.types:
            return ["list", self.computed_object(fqn)]
        return "string"

    def computed_object(self, output_fqn: str) -> Any:
        attrs = {
            _snake(p["name"]): self.value_type(p["type"])
            for p in self.types[output_fqn].get("properties", [])
            if p.get("immutable") and not p["name"].endswith("Input") and p["name"] != "internalValue"
        }
        return ["object", dict(sorted(attrs.items()))]

    def body(self, config_fqn: str, output_fqn: str | None, top: bool = False) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        blocks: dict[str, Any] = {}
        configured: set[str] = set()
        for prop in self.types[config_fqn].get("properties", []):
            name = tf_schema._tf_name(prop)
            if name is None:
                continue
            configured.add(prop["name"])
            required = not prop.get("optional", False)
            inner = [f for f in tf_schema._own_fqns(prop["type"], self.name) if self.types[f]["kind"] == "interface"]
            if inner:
                single = "fqn" in prop["type"]
                nested_output = inner[0] + "OutputReference"
                blocks[name] = {
                    "nesting": "single" if name == "timeouts" else "list",
                    "min": 1 if required else 0,
                    "max": 1 if single else 0,
                    "block": self.body(inner[0], nested_output if nested_output in self.types else None),
                }
            else:
                # A resource's optional `id` is the one argument the provider also sets.
                attrs[name] = {
                    "type": self.value_type(prop["type"]),
                    "required": required,
                    "computed": top and name == "id" and not required,
                }
        if output_fqn is not None:
            for prop in self.types[output_fqn].get("properties", []):
                camel = prop["name"]
                if not prop.get("immutable") or prop.get("static") or camel.endswith("Input"):
                    continue
                if camel in configured or camel in {"internalValue", "fqn", "terraformResourceType"}:
                    continue
                name = _snake(camel)
                if name not in attrs and name not in blocks:
                    attrs[name] = {"type": self.value_type(prop["type"]), "required": False, "computed": True}
        return {"attrs": dict(sorted(attrs.items())), "blocks": dict(sorted(blocks.items()))}

    def provider(self) -> dict[str, Any]:
        out: dict[str, Any] = {"provider": None, "resource": {}, "data": {}}
        for cls in tf_schema.jsii_classes(self.types):
            if cls.kind == "provider":
                out["provider"] = self.body(cls.config, None)
            else:
                out[cls.kind][cls.name] = self.body(cls.config, cls.fqn, top=True)
        return out


def load(node_tools: Path = NODE_TOOLS) -> dict[str, Any]:
    """Both providers' typed schema, extracted once (≈ 1 min) and cached beside the packages."""
    stamps = []
    for name, package in PACKAGES.items():
        package_json = node_tools / "node_modules" / package / "package.json"
        if not package_json.is_file():
            raise SchemaMissing(f"{package} is not installed in {node_tools} (scripts/lint-deploy installs it)")
        stamps.append(f"{name}={json.loads(package_json.read_text())['version']}")
    key = hashlib.sha256(("|".join(stamps) + "|standin" + VERSION).encode()).hexdigest()[:16]
    cache = node_tools / f"standin-schema-{key}.json"
    if cache.is_file():
        cached: dict[str, Any] = json.loads(cache.read_text())
        return cached
    schema = {
        "providers": {
            name: _Assembly(node_tools / "node_modules" / package / ".jsii").provider()
            for name, package in PACKAGES.items()
        }
    }
    for stale in node_tools.glob("standin-schema-*.json"):
        stale.unlink()
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    tmp.replace(cache)
    return schema


def used_types(tf_dir: Path) -> dict[str, set[str]]:
    """{"resource": types, "data": types} of every `.tf` file under tf_dir (builtins left out)."""
    used: dict[str, set[str]] = {"resource": set(), "data": set()}
    for path in tf_schema.tf_files([tf_dir]):
        doc = tf_schema.parse(path)
        for kind in used:
            for group in doc.get(kind, []):
                used[kind] |= {tf_schema._unquote(t) for t in group if not t.startswith("__")}
    return used


def subset(schema: dict[str, Any], used: dict[str, set[str]]) -> dict[str, Any]:
    """Only the types a configuration uses, in both providers (it picks one per block)."""
    return {
        "providers": {
            name: {
                "provider": spec["provider"],
                **{kind: {t: spec[kind][t] for t in sorted(used[kind]) if t in spec[kind]} for kind in used},
            }
            for name, spec in schema["providers"].items()
        }
    }
