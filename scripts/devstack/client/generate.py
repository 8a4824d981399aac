"""Render the contract as OpenAPI 3.0 and generate the Python client from it; or check they are current.

    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.client            # rewrite clients/
    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.client --check    # exit 1 when clients/ is stale

Exit 2 when a tool is missing (swagger2openapi comes with `.node-tools`, which scripts/lint-deploy
builds; openapi-python-client with `.venv`).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from devstack.catalog import REPO_ROOT
from wellness.platform.strict_yaml import read_yaml

CONTRACT = REPO_ROOT / "contracts" / "openapi.yaml"
CLIENTS = REPO_ROOT / "clients"
RENDERING = CLIENTS / "openapi3.json"
PACKAGE = "wellness_api_client"
CONFIG = CLIENTS / "config.yaml"
CONVERTER = REPO_ROOT / ".node-tools" / "node_modules" / "swagger2openapi" / "swagger2openapi.js"
BIN = Path(sys.executable).parent


class ToolMissing(RuntimeError):
    pass


def without_gateway_extensions(node: Any) -> Any:
    """The contract as a client sees it: API Gateway's `x-google-*` (backends, issuers) left out."""
    if isinstance(node, dict):
        return {k: without_gateway_extensions(v) for k, v in node.items() if not str(k).startswith("x-google-")}
    if isinstance(node, list):
        return [without_gateway_extensions(v) for v in node]
    return node


def render_openapi3(out: Path) -> None:
    """contracts/openapi.yaml (Swagger 2.0) → `out`, OpenAPI 3.0 JSON, keys sorted (a stable diff)."""
    if not CONVERTER.exists():
        raise ToolMissing(f"{CONVERTER} is missing: run scripts/lint-deploy once (it installs .node-tools)")
    swagger = without_gateway_extensions(read_yaml(CONTRACT))
    with tempfile.TemporaryDirectory() as tmp:
        source, converted = Path(tmp) / "swagger.json", Path(tmp) / "openapi3.json"
        source.write_text(json.dumps(swagger))
        _run(["node", str(CONVERTER), "--patch", "--outfile", str(converted), str(source)], "swagger2openapi")
        document = json.loads(converted.read_text())
    out.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def generate(into: Path) -> None:
    """Write openapi3.json and python/wellness_api_client under `into` (an empty or scratch folder)."""
    generator = BIN / "openapi-python-client"
    if not generator.exists():
        raise ToolMissing(f"{generator} is missing: scripts/test builds .venv from requirements-dev.txt")
    into.mkdir(parents=True, exist_ok=True)
    render_openapi3(into / RENDERING.name)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / PACKAGE
        command = [str(generator), "generate", "--path", str(into / RENDERING.name), "--output-path", str(out)]
        _run([*command, "--meta", "none", "--fail-on-warning", "--config", str(CONFIG)], "openapi-python-client")
        target = into / "python" / PACKAGE
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(out, target, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two trees (relative paths)."""
    found: list[str] = []

    def walk(compare: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"{prefix}{name}" for name in compare.left_only + compare.right_only + compare.diff_files)
        found.extend(f"{prefix}{name}" for name in compare.funny_files)
        for name, sub in compare.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=["__pycache__", ".ruff_cache"]), "")
    return sorted(found)


def check() -> list[str]:
    """What in clients/ a regeneration would change (empty: current)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "clients"
        generate(fresh)
        stale = [] if filecmp.cmp(fresh / RENDERING.name, RENDERING, shallow=False) else [RENDERING.name]
        package = CLIENTS / "python" / PACKAGE
        if not package.is_dir():
            return [*stale, f"python/{PACKAGE}/ (missing)"]
        return stale + [f"python/{PACKAGE}/{p}" for p in differences(package, fresh / "python" / PACKAGE)]


def _run(command: list[str], what: str) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # the post hooks' ruff
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): {(result.stderr or result.stdout)[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.client", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when clients/ differs from a regeneration")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = check()
            if stale:
                print("client: clients/ is stale; run `PYTHONPATH=scripts:shared .venv/bin/python -m devstack.client`:")
                print("\n".join(f"  {path}" for path in stale))
                return 1
            print("client: clients/ matches contracts/openapi.yaml")
            return 0
        generate(CLIENTS)
    except ToolMissing as missing:
        print(f"client: {missing}", file=sys.stderr)
        return 2
    except RuntimeError as failed:
        print(f"client: generation failed: {failed}", file=sys.stderr)
        return 1
    print(f"client: wrote {RENDERING.relative_to(REPO_ROOT)} and clients/python/{PACKAGE}")
    return 0
