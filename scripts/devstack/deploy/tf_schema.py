"""Check every `.tf` file against the pinned providers' schemas, offline.

`terraform init/validate/plan` need the provider registry; this needs only the npm packages
`@cdktf/provider-google@16.12.1` and `@cdktf/provider-google-beta@16.12.1`, which are generated
from exactly hashicorp/google and google-beta 6.50.0. Their `.jsii` assembly lists, for every
resource and data source, each argument and nested block, whether it is optional, and the
Terraform name in its registry doc link. From it we extract a compact schema (cached under
`.node-tools/`, a few MB) and check each `resource`, `data`, `provider` and local `module` block:

- the resource or data source type exists in the provider the block uses (`provider = google-beta`
  picks the beta schema);
- every argument and block is one the provider has, written as an argument (`x = ...`) or as a
  block (`x { ... }`) as the schema says, and a block of at most one appears at most once;
- every required argument and block is there (`dynamic "x"` counts for block x);
- a local module is called with variables it declares and every variable it requires.

    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.deploy.tf_schema            # checks terraform/
    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.deploy.tf_schema path/to/dir

Exit 0 when clean, 1 with one line a problem, 2 when the schema packages are not installed
(scripts/lint-deploy installs them).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

from devstack.catalog import REPO_ROOT

NODE_TOOLS = REPO_ROOT / ".node-tools"
PACKAGES = {"google": "@cdktf/provider-google", "google-beta": "@cdktf/provider-google-beta"}
EXTRACTOR_VERSION = "1"  # bump when the compact format changes: invalidates the cache

# Terraform's own meta-arguments and nested blocks, valid in every resource/data block.
RESOURCE_META = {"count", "for_each", "depends_on", "provider", "lifecycle", "connection", "provisioner"}
DYNAMIC_KEYS = {"for_each", "iterator", "labels", "content"}
MODULE_META = {"source", "version", "count", "for_each", "providers", "depends_on"}
# Built-in resources (terraform.io/builtin/terraform): attribute name -> required.
BUILTIN_RESOURCES: dict[str, dict[str, bool]] = {"terraform_data": {"input": False, "triggers_replace": False}}
BUILTIN_DATA: dict[str, dict[str, bool]] = {
    "terraform_remote_state": {"backend": True, "config": False, "defaults": False, "workspace": False}
}

_TYPE_LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/hashicorp/(google(?:-beta)?)/([\d.]+)/docs/"
    r"(resources|data-sources)/\w+ (\w+)\}"
)
_PROVIDER_LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/hashicorp/(google(?:-beta)?)/([\d.]+)/docs "
)
_ANCHOR = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/[\w-]+/[\d.]+/docs[^#}\s]*#(\w+) ")


class SchemaMissing(RuntimeError):
    """The npm packages with the provider schemas are not installed."""


# ---------------------------------------------------------------------------------------------
# Extraction: .jsii -> compact schema
#
# Compact form:  {"providers": {NAME: {"version", "provider": BLOCK_ID, "resource": {TYPE: BLOCK_ID},
#                 "data": {TYPE: BLOCK_ID}}}, "blocks": {BLOCK_ID: {"attrs": {name: required},
#                 "blocks": {name: [required, single, BLOCK_ID]}}}}
# Block ids are content hashes, so google and google-beta share identical blocks.
# ---------------------------------------------------------------------------------------------


def _own_fqns(type_ref: dict[str, Any], assembly: str) -> list[str]:
    """The assembly's own interfaces a property's type refers to (directly, in a list, in a union)."""
    if "fqn" in type_ref:
        return [type_ref["fqn"]] if type_ref["fqn"].startswith(assembly + ".") else []
    if "collection" in type_ref:
        return _own_fqns(type_ref["collection"]["elementtype"], assembly)
    if "union" in type_ref:
        return [fqn for member in type_ref["union"]["types"] for fqn in _own_fqns(member, assembly)]
    return []


@dataclasses.dataclass(frozen=True)
class JsiiClass:
    """A resource, data source or provider class of a provider package's `.jsii`."""

    kind: str  # "resource", "data" or "provider"
    name: str  # the Terraform type ("" for the provider)
    version: str  # the provider version its registry link names
    config: str  # the fqn of its config interface (the arguments and blocks)
    fqn: str  # the class's own fqn (its getters: every attribute, computed ones too)


def jsii_classes(types: dict[str, Any]) -> Iterator[JsiiClass]:
    """The resources, data sources and the provider of a `.jsii`'s types: the walk both schemas share."""
    for fqn, spec in types.items():
        if spec.get("kind") != "class" or spec.get("base") not in (
            "cdktf.TerraformResource",
            "cdktf.TerraformDataSource",
            "cdktf.TerraformProvider",
        ):
            continue
        params = spec.get("initializer", {}).get("parameters", [])
        config = next((p["type"]["fqn"] for p in params if p["name"] == "config" and "fqn" in p["type"]), None)
        if config is None:
            continue
        summary = spec.get("docs", {}).get("summary", "")
        if spec["base"] == "cdktf.TerraformProvider":
            link = _PROVIDER_LINK.search(summary)
            if link:
                yield JsiiClass("provider", "", link.group(2), config, fqn)
            continue
        link = _TYPE_LINK.search(summary)
        if link:
            kind = "resource" if link.group(3) == "resources" else "data"
            yield JsiiClass(kind, link.group(4), link.group(2), config, fqn)


def _tf_name(prop: dict[str, Any]) -> str | None:
    docs = prop.get("docs", {})
    match = _ANCHOR.search(docs.get("remarks", "") + " " + docs.get("summary", "") + " ")
    return match.group(1) if match else None


def extract(jsii_path: Path) -> dict[str, Any]:
    """The compact schema of one provider package's `.jsii` file."""
    assembly_doc = json.loads(jsii_path.read_text())
    assembly = assembly_doc["name"]
    types: dict[str, Any] = assembly_doc["types"]
    blocks: dict[str, Any] = {}
    memo: dict[str, str] = {}

    def block_id(fqn: str, stack: tuple[str, ...] = ()) -> str:
        if fqn in memo:
            return memo[fqn]
        if fqn in stack:  # a recursive type: stop (none is known in these providers)
            return "recursive"
        attrs: dict[str, bool] = {}
        nested: dict[str, list[Any]] = {}
        for prop in types[fqn].get("properties", []):
            name = _tf_name(prop)
            if name is None:
                continue
            required = not prop.get("optional", False)
            inner = [f for f in _own_fqns(prop["type"], assembly) if types[f]["kind"] == "interface"]
            if inner:
                single = "fqn" in prop["type"]  # cdktf renders MaxItems=1 blocks as a plain object
                nested[name] = [required, single, block_id(inner[0], (*stack, fqn))]
            else:
                attrs[name] = required
        body = {"attrs": dict(sorted(attrs.items())), "blocks": dict(sorted(nested.items()))}
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
        blocks[key] = body
        memo[fqn] = key
        return key

    provider: dict[str, Any] = {"version": "", "provider": None, "resource": {}, "data": {}}
    for cls in jsii_classes(types):
        if cls.kind == "provider":
            provider["provider"] = block_id(cls.config)
        else:
            provider[cls.kind][cls.name] = block_id(cls.config)
        provider["version"] = cls.version
    provider["resource"] = dict(sorted(provider["resource"].items()))
    provider["data"] = dict(sorted(provider["data"].items()))
    return {"provider": provider, "blocks": blocks}


def _package_dir(node_tools: Path, name: str) -> Path:
    return node_tools / "node_modules" / PACKAGES[name]


def load_schema(node_tools: Path = NODE_TOOLS) -> dict[str, Any]:
    """Both providers' compact schema, extracted once and cached beside the packages."""
    stamps = []
    for name in PACKAGES:
        package_json = _package_dir(node_tools, name) / "package.json"
        if not package_json.is_file() or not (package_json.parent / ".jsii").is_file():
            raise SchemaMissing(
                f"{PACKAGES[name]} is not installed in {node_tools} (scripts/lint-deploy installs it from "
                "scripts/lint-workflows/package.json)"
            )
        meta = json.loads(package_json.read_text())
        stamps.append(f"{name}={meta['version']}")
    key = hashlib.sha256(("|".join(stamps) + "|" + EXTRACTOR_VERSION).encode()).hexdigest()[:16]
    cache = node_tools / f"tf-schema-{key}.json"
    if cache.is_file():
        cached: dict[str, Any] = json.loads(cache.read_text())
        return cached
    schema: dict[str, Any] = {"providers": {}, "blocks": {}}
    for name in PACKAGES:
        one = extract(_package_dir(node_tools, name) / ".jsii")
        schema["providers"][name] = one["provider"]
        schema["blocks"].update(one["blocks"])
    for stale in node_tools.glob("tf-schema-*.json"):
        stale.unlink()
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    tmp.replace(cache)
    return schema


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.relative_to(REPO_ROOT)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.where}: {self.message}"


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


_PARSE = SerializationOptions(with_comments=False, with_meta=True)


def parse(path: Path) -> dict[str, Any]:
    """The file as python-hcl2 reads it: blocks are lists of dicts marked `__is_block__`."""
    with path.open() as fh:
        doc: dict[str, Any] = hcl2.load(fh, serialization_options=_PARSE)
    return doc


def _is_block(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and v.get("__is_block__") for v in value)


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Checker:
    """Checks parsed HCL bodies against the compact schema; collects Problems."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.problems: list[Problem] = []
        self.checked = 0

    def check_body(self, body: dict[str, Any], block: str, where: str, out: list[str], meta: set[str]) -> None:
        """Append `where: message` for everything in `body` the schema block does not allow or needs."""
        spec = self.schema["blocks"].get(block, {"attrs": {}, "blocks": {}})
        attrs: dict[str, bool] = spec["attrs"]
        nested: dict[str, list[Any]] = spec["blocks"]
        literal: dict[str, int] = {}
        dynamic: set[str] = set()
        for key, value in body.items():
            if key.startswith("__") or key in meta:
                continue
            if key == "dynamic" and isinstance(value, list) and "dynamic" not in nested:
                for dyn in value:
                    for label, dyn_body in dyn.items():
                        if label.startswith("__"):
                            continue
                        name = _unquote(label)
                        if name not in nested:
                            out.append(f"{where}: no block {name!r} for dynamic{_suggest(name, list(nested))}")
                            continue
                        dynamic.add(name)
                        extra = {k for k in dyn_body if not k.startswith("__")} - DYNAMIC_KEYS
                        if extra:
                            out.append(f"{where}: dynamic {name!r} has unexpected {sorted(extra)}")
                        for content in dyn_body.get("content", []):
                            self.check_body(content, nested[name][2], _join(where, name), out, set())
                continue
            if key in attrs:
                if _is_block(value):
                    out.append(f"{where}: {key!r} is an argument: write `{key} = ...`, not a block")
                continue
            if key in nested:
                if not _is_block(value):
                    out.append(f"{where}: {key!r} is a block: write `{key} {{ ... }}`, not an argument")
                    continue
                literal[key] = literal.get(key, 0) + len(value)
                for item in value:
                    self.check_body(item, nested[key][2], _join(where, key), out, set())
                continue
            out.append(f"{where}: unsupported argument or block {key!r}{_suggest(key, [*attrs, *nested])}")
        for name, required in attrs.items():
            if required and name not in body:
                out.append(f"{where}: required argument {name!r} is missing")
        for name, (required, single, _) in nested.items():
            count = literal.get(name, 0)
            if required and not count and name not in dynamic:
                out.append(f"{where}: required block {name!r} is missing")
            if single and (count > 1 or (count and name in dynamic)):
                out.append(f"{where}: block {name!r} may appear at most once")

    def check_file(self, path: Path) -> None:
        text = path.read_text()
        try:
            doc = parse(path)
        except Exception as exc:  # noqa: BLE001 - any parse error is a problem to report
            self.problems.append(Problem(path, 1, "parse", f"{type(exc).__name__}: {exc}"))
            return
        for kind in ("resource", "data"):
            for group in doc.get(kind, []):
                for raw_type, named in group.items():
                    rtype = _unquote(raw_type)
                    for raw_name, body in named.items():
                        if raw_name.startswith("__"):
                            continue
                        name = _unquote(raw_name)
                        self.checked += 1
                        out: list[str] = []
                        self._check_one(kind, rtype, body, out)
                        where = f"{'data.' if kind == 'data' else ''}{rtype}.{name}"
                        line = body.get("__start_line__") or _line_of(text, kind, rtype, name)
                        self.problems += [Problem(path, line, *_split(where, msg)) for msg in out]
        providers = self.schema["providers"]
        for group in doc.get("provider", []):
            for raw_name, body in group.items():
                if raw_name.startswith("__"):
                    continue
                pname = _unquote(raw_name)
                out = []
                if pname not in providers:
                    out.append(f": no schema for provider {pname!r}")
                else:
                    self.check_body(body, providers[pname]["provider"], "", out, {"alias"})
                line = _line_of(text, "provider", pname, None)
                self.problems += [Problem(path, line, *_split(f"provider.{pname}", msg)) for msg in out]
        for group in doc.get("module", []):
            for raw_name, body in group.items():
                if raw_name.startswith("__"):
                    continue
                name = _unquote(raw_name)
                line = _line_of(text, "module", name, None)
                self.problems += [Problem(path, line, f"module.{name}", msg) for msg in self._check_module(path, body)]

    def _check_one(self, kind: str, rtype: str, body: dict[str, Any], out: list[str]) -> None:
        builtin = (BUILTIN_RESOURCES if kind == "resource" else BUILTIN_DATA).get(rtype)
        if builtin is not None:
            for key in body:
                if key not in builtin and key not in RESOURCE_META and not key.startswith("__"):
                    out.append(f": unsupported argument {key!r} for {rtype}{_suggest(key, list(builtin))}")
            out += [f": required argument {k!r} is missing" for k, req in builtin.items() if req and k not in body]
            return
        providers = self.schema["providers"]
        provider_ref = str(body.get("provider", rtype.split("_", 1)[0]))
        provider_name = provider_ref.removeprefix("${").removesuffix("}").split(".", 1)[0]
        if provider_name not in providers:
            out.append(f": no schema for provider {provider_name!r}: add its package to the check or use google")
            return
        table = providers[provider_name][kind]
        if rtype not in table:
            other = [p for p in providers if p != provider_name and rtype in providers[p][kind]]
            hint = f" (it is in {other[0]}: set `provider = {other[0]}`)" if other else _suggest(rtype, list(table))
            noun = "resource type" if kind == "resource" else "data source"
            out.append(f": {provider_name} {providers[provider_name]['version']} has no {noun} {rtype!r}{hint}")
            return
        self.check_body(body, table[rtype], "", out, RESOURCE_META)

    def _check_module(self, path: Path, body: dict[str, Any]) -> list[str]:
        source = _unquote(str(body.get("source", "")))
        if not source.startswith(("./", "../")):
            return []  # registry modules are not vendored here
        module_dir = (path.parent / source).resolve()
        if not module_dir.is_dir():
            return [f"source {source!r} is not a directory"]
        declared: dict[str, bool] = {}
        for tf in sorted(module_dir.glob("*.tf")):
            for group in parse(tf).get("variable", []):
                for raw, spec in group.items():
                    if not raw.startswith("__"):
                        declared[_unquote(raw)] = "default" not in spec
        out = [
            f"no variable {key!r} in {source}{_suggest(key, list(declared))}"
            for key in body
            if not key.startswith("__") and key not in MODULE_META and key not in declared
        ]
        out += [f"required variable {v!r} is not set" for v, req in declared.items() if req and v not in body]
        return out


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _split(prefix: str, message: str) -> tuple[str, str]:
    """`block.path: msg` under a resource -> (`type.name.block.path`, msg)."""
    inner, _, msg = message.partition(": ")
    return (f"{prefix}.{inner}" if inner else prefix), msg


def _line_of(text: str, kind: str, first: str, second: str | None) -> int:
    label = rf'{kind}\s+"{re.escape(first)}"' + (rf'\s+"{re.escape(second)}"' if second else "")
    match = re.search(rf"^\s*{label}", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def tf_files(paths: list[Path]) -> Iterator[Path]:
    for root in paths:
        if root.is_file():
            yield root
            continue
        for path in sorted(root.rglob("*.tf")):
            if ".terraform" not in path.parts:
                yield path


def check(paths: list[Path], schema: dict[str, Any]) -> tuple[list[Problem], int, int]:
    """(problems, files checked, resource/data blocks checked)."""
    checker = Checker(schema)
    files = list(tf_files(paths))
    for path in files:
        checker.check_file(path)
    return checker.problems, len(files), checker.checked


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.deploy.tf_schema", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[REPO_ROOT / "terraform"])
    parser.add_argument("--node-tools", type=Path, default=NODE_TOOLS, help="where the npm packages are installed")
    args = parser.parse_args(argv)
    try:
        schema = load_schema(args.node_tools)
    except SchemaMissing as exc:
        print(f"tf_schema: {exc}", file=sys.stderr)
        return 2
    problems, files, blocks = check(args.paths, schema)
    for problem in problems:
        print(problem)
    versions = ", ".join(f"{n} {p['version']}" for n, p in schema["providers"].items())
    print(f"tf_schema: {files} file(s), {blocks} resource/data block(s) against {versions}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
