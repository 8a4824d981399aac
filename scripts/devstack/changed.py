"""The inner loop: the tests a change needs, from the files it touches.

    scripts/test --changed [BASE]     the tests of what differs from BASE (default: main), committed or not
    scripts/test --domain NAME ...    one domain's tests (its library package, its tests, its functions)

A file inside one domain (`shared/wellness/D/`, `shared/tests/D/`, or a function of D in
`functions/`) selects that domain's tests; a function's own folder selects just that
function. Anything else (the platform library, the contracts, the tooling, the
cross-function suites, the Terraform) may affect every function, so the whole suite runs
and the reason is printed: a fast answer that could miss a break would be worse than a slow one.
The domain's per-pull-request workflow (ci-D.yml) still runs the shared suites on CI.

    >>> select(["functions/program-enroll/main.py"]).paths
    ('functions/program-enroll',)
    >>> select(["shared/wellness/program/service.py", "functions/program-enroll/test_main.py"]).paths[:2]
    ('shared/wellness/program', 'shared/tests/program')
    >>> select(["shared/wellness/platform/http.py"]).everything
    'shared/wellness/platform/http.py is not one domain: running everything'
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from devstack.catalog import REPO_ROOT, load_catalog

# The catalog's `platform` domain is the outbox relay and the migration job; the library's
# `platform` package underlies every function, so an edit there is never one domain's.
NOT_A_DOMAIN = {"platform", "migrations"}


@dataclass(frozen=True)
class Selection:
    paths: tuple[str, ...] = ()
    everything: str = ""  # why the whole suite must run, when it must


def domain_paths(domain: str) -> tuple[str, ...]:
    """A domain's tests: its library's doctests, its library tests, its functions."""
    functions = [fn.name for fn in load_catalog().functions if fn.domain == domain]
    if not functions or domain in NOT_A_DOMAIN:
        known = sorted(set(load_catalog().domains) - NOT_A_DOMAIN)
        raise KeyError(f"unknown domain {domain!r}; known: {', '.join(known)}")
    return (f"shared/wellness/{domain}", f"shared/tests/{domain}", *(f"functions/{name}" for name in functions))


def select(files: Iterable[str]) -> Selection:
    """The test paths for these changed files (repository-relative), or why everything must run."""
    catalog = load_catalog()
    domains = set(catalog.domains) - NOT_A_DOMAIN
    owner = {fn.name: fn.domain for fn in catalog.functions}
    whole: list[str] = []  # domains whose library changed
    single: list[str] = []  # functions changed alone
    for name in files:
        parts = PurePosixPath(name).parts
        if len(parts) >= 3 and parts[:2] in (("shared", "wellness"), ("shared", "tests")) and parts[2] in domains:
            whole.append(parts[2])
        elif len(parts) >= 2 and parts[0] == "functions" and parts[1] in owner:
            single.append(parts[1])
        else:
            return Selection(everything=f"{name} is not one domain: running everything")
    paths: list[str] = []
    for domain in sorted(set(whole), key=whole.index):
        paths += domain_paths(domain)
    paths += [f"functions/{fn}" for fn in single if owner[fn] not in whole]
    return Selection(paths=tuple(dict.fromkeys(paths)))


def changed_files(base: str, root: Path = REPO_ROOT) -> list[str]:
    """Files that differ from BASE's merge base with HEAD, plus uncommitted and untracked ones."""

    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line]

    merge_base = git("merge-base", "HEAD", base)[0]
    files = git("diff", "--name-only", merge_base) + git("ls-files", "--others", "--exclude-standard")
    return sorted(set(files))


def main(argv: list[str]) -> int:
    """Print the pytest paths, one per line; nothing (and the reason on stderr) when everything must run."""
    if argv[:1] == ["--domain"]:
        try:
            selection = Selection(paths=tuple(p for d in argv[1:] for p in domain_paths(d)))
        except KeyError as exc:
            print(f"scripts/test: {exc.args[0]}", file=sys.stderr)
            return 2
    else:
        base = argv[1] if len(argv) > 1 else "main"
        files = changed_files(base)
        if not files:
            print(f"scripts/test: nothing differs from {base}: running everything", file=sys.stderr)
            return 0
        selection = select(files)
    if selection.everything:
        print(f"scripts/test: {selection.everything}", file=sys.stderr)
    print("\n".join(selection.paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
