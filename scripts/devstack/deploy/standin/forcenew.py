"""Which arguments force a replacement (ForceNew), derived from the provider's source; the vendored table.

The real provider marks many arguments `ForceNew: true`: a change to one destroys the resource
and creates it again. The stand-in plans that as Terraform would (`requires_replace`) for the
paths in `forcenew.json`, which this module generates from hashicorp/terraform-provider-google
at its tag (the `source` recorded in the table), for the resource types the repository uses:

    PYTHONPATH=scripts:shared .venv/bin/python -m devstack.deploy.standin.forcenew GIT_DIR [--beta BETA_GIT_DIR]

(GIT_DIR: a clone or bare mirror of hashicorp/terraform-provider-google; BETA_GIT_DIR: of
hashicorp/terraform-provider-google-beta, for the types only google-beta has, such as
api_gateway_* and project_service_identity; both read at tag v6.50.0.)

What it reads: each type's registration in google/provider/provider_mmv1_resources.go
(google-beta/… in the beta repository). A `"google_x": pkg.ResourceX(),` has its schema inline
in that function: a field's `ForceNew: true`, nested through `Elem: &schema.Resource{Schema: …}`
into a dotted path (`settings.edition`). An `*_iam_member` is
`tpgiamresource.ResourceIamMember(pkg.XIamSchema, …)`: the generic IamMemberBaseSchema (role,
member, condition) merged with its parent's schema, both read. Not read, so not in the table:
CustomizeDiff rules that force a replacement on some changes only.
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


def _definition(git_dir: Path, commit: str, directory: str, start: str) -> str:
    """The Go source from `start` (a function or a package-level var) to its closing brace, under directory."""
    files = _git(git_dir, "grep", "-l", start, commit, "--", directory).split()
    source = _show(git_dir, commit, files[0].split(":", 1)[1])
    body = source[source.index(start) :]
    return body[: body.index("\n}\n")]


def derive(git_dir: Path, commit: str, types: set[str], root: str = "google") -> dict[str, list[str]]:
    """{type: ForceNew paths} for the types registered at commit (root: `google`, or `google-beta` in its repository).

    A type is registered as `pkg.ResourceX()` (its schema inline in that function), or as
    `tpgiamresource.ResourceIamMember(pkg.XIamSchema, …)`: an `*_iam_member`, whose schema is
    the generic IamMemberBaseSchema (role, member and condition, all ForceNew:
    google/tpgiamresource/resource_iam_member.go) merged with its parent's (`pkg.XIamSchema`: the
    topic, bucket, project… it binds on).
    """
    registry = _show(git_dir, commit, f"{root}/provider/provider_mmv1_resources.go")
    table: dict[str, list[str]] = {}
    for type_name in sorted(types):
        registered = re.search(rf'"{type_name}":\s*(\w+)\.(Resource\w+)\(\),', registry)
        iam_member = re.search(rf'"{type_name}":\s*tpgiamresource\.ResourceIamMember\((\w+)\.(\w+),', registry)
        if registered:
            package, function = registered.groups()
            table[type_name] = force_new_paths(
                _definition(git_dir, commit, f"{root}/services/{package}", f"func {function}()")
            )
        elif iam_member:
            package, parent = iam_member.groups()
            base = _definition(git_dir, commit, f"{root}/tpgiamresource", "var IamMemberBaseSchema =")
            specific = _definition(git_dir, commit, f"{root}/services/{package}", f"var {parent} =")
            table[type_name] = sorted({*force_new_paths(base), *force_new_paths(specific)})
    return table


def load() -> dict[str, list[str]]:
    """The vendored table: {type: dotted ForceNew paths}."""
    table: dict[str, list[str]] = json.loads(TABLE.read_text())["resources"]
    return table


def _tag_commit(git_dir: Path) -> str:
    return _git(git_dir, "rev-parse", f"{TAG}^{{commit}}").strip()


def main(argv: list[str]) -> int:
    from devstack.catalog import REPO_ROOT
    from devstack.deploy.standin import schema

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir", type=Path, help="a clone (or bare mirror) of hashicorp/terraform-provider-google")
    parser.add_argument(
        "--beta", type=Path, help="a clone (or bare mirror) of hashicorp/terraform-provider-google-beta"
    )
    args = parser.parse_args(argv)
    used = schema.used_types(REPO_ROOT / "terraform")["resource"]
    commit = _tag_commit(args.git_dir)
    resources = derive(args.git_dir, commit, used)
    sources: dict[str, Any] = {
        "google": {"repository": "hashicorp/terraform-provider-google", "tag": TAG, "commit": commit}
    }
    if args.beta:
        beta_commit = _tag_commit(args.beta)
        resources.update(derive(args.beta, beta_commit, used - set(resources), root="google-beta"))
        sources["google-beta"] = {
            "repository": "hashicorp/terraform-provider-google-beta",
            "tag": TAG,
            "commit": beta_commit,
        }
    TABLE.write_text(json.dumps({"sources": sources, "resources": resources}, indent=1, sort_keys=True) + "\n")
    print(f"{TABLE}: {len(resources)} types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
