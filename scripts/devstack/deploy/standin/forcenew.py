"""Which arguments force a replacement (ForceNew), derived from the provider's source; the vendored table.

The real provider marks many arguments `ForceNew: true`: a change to one destroys the resource
and creates it again. The stand-in plans that as Terraform would (`requires_replace`) for the
paths in `forcenew.json`, which this module generates from hashicorp/terraform-provider-google
at its tag (the `source` recorded in the table), for the resource types the repository uses:

    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.deploy.standin.forcenew GIT_DIR [--commit SHA]

What it reads: each type's registration (`"google_x": pkg.ResourceX(),` in
google/provider/provider_mmv1_resources.go), then that function's inline schema: a field's
`ForceNew: true`, nested through `Elem: &schema.Resource{Schema: …}` into a dotted path
(`settings.edition`). Not read, so not in the table: schemas built by other functions (the
`*_iam_member` resources: tpgiam's generic schema), google-beta-only types (api_gateway_*,
project_service_identity: not in the GA repository), and CustomizeDiff rules that force a
replacement on some changes only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("forcenew.json")
TAG = "v6.50.0"
REGISTRY = "google/provider/provider_mmv1_resources.go"
_TOKENS = re.compile(r'"(\w+)":\s*\{|"(?:[^"\\]|\\.)*"|\{|\}|ForceNew:\s*true')


def force_new_paths(function_source: str) -> list[str]:
    """The dotted paths of the fields marked ForceNew in a resource function's inline schema.

    >>> force_new_paths('Schema: map[string]*schema.Schema{"name": {Required: true, ForceNew: true}, '
    ...                 '"s": {Elem: &schema.Resource{Schema: map[string]*schema.Schema{"t": {ForceNew: true, '
    ...                 'Description: `a { brace`}}}}, "u": {Optional: true}}')
    ['name', 's.t']
    """
    text = re.sub(r"`[^`]*`", '""', function_source)  # raw strings may hold braces and quotes
    stack: list[str | None] = []
    found: list[str] = []
    for match in _TOKENS.finditer(text):
        piece = match.group(0)
        if match.group(1):
            stack.append(match.group(1))
        elif piece == "{":
            stack.append(None)
        elif piece == "}":
            if stack:
                stack.pop()
        elif piece.startswith("ForceNew") and stack and stack[-1] is not None:
            found.append(".".join(name for name in stack if name is not None))
    return sorted(set(found))


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True).stdout


def _show(git_dir: Path, commit: str, path: str) -> str:
    return _git(git_dir, "show", f"{commit}:{path}")


def derive(git_dir: Path, commit: str, types: set[str]) -> dict[str, list[str]]:
    """{type: ForceNew paths} for the types registered as `pkg.ResourceX()` at commit."""
    registry = _show(git_dir, commit, REGISTRY)
    table: dict[str, list[str]] = {}
    for type_name in sorted(types):
        registered = re.search(rf'"{type_name}":\s*(\w+)\.(Resource\w+)\(\),', registry)
        if not registered:
            continue
        package, function = registered.groups()
        files = _git(git_dir, "grep", "-l", f"func {function}()", commit, "--", f"google/services/{package}").split()
        source = _show(git_dir, commit, files[0].split(":", 1)[1])
        body = source[source.index(f"func {function}()") :]
        body = body[: body.index("\n}\n")]
        table[type_name] = force_new_paths(body)
    return table


def load() -> dict[str, list[str]]:
    """The vendored table: {type: dotted ForceNew paths}."""
    table: dict[str, list[str]] = json.loads(TABLE.read_text())["resources"]
    return table


def main(argv: list[str]) -> int:
    from devstack.catalog import REPO_ROOT
    from devstack.deploy.standin import schema

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir", type=Path, help="a clone (or bare mirror) of hashicorp/terraform-provider-google")
    parser.add_argument("--commit", help=f"default: the commit of tag {TAG}")
    args = parser.parse_args(argv)
    commit = (
        args.commit
        or subprocess.run(
            ["git", f"--git-dir={args.git_dir}", "rev-parse", f"{TAG}^{{commit}}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    resources = derive(args.git_dir, commit, schema.used_types(REPO_ROOT / "terraform")["resource"])
    source: dict[str, Any] = {"repository": "hashicorp/terraform-provider-google", "tag": TAG, "commit": commit}
    TABLE.write_text(json.dumps({"source": source, "resources": resources}, indent=1, sort_keys=True) + "\n")
    print(f"{TABLE}: {len(resources)} types from {commit}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
