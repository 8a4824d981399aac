"""The code checks, in one place: what scripts/test runs first and the pre-commit hooks run on commit.

    python -m devstack.lint            every check; exit 1 at the first that fails
    python -m devstack.lint --fix      let ruff fix and format what it can first

1. ruff check, and `ruff format --check` (the formatter decides layout; no `# fmt: skip`);
2. lint-imports: the architecture contracts in pyproject.toml (platform apart from the
   domains, domains only through each other's public module, pure models, no cycles);
3. mypy --strict on the library (shared/wellness, shared/wellness_testing) and the tooling
   (scripts/devstack); plain mypy over the tests and every function's main.py and tests.
   Each function folder holds a `main.py`, so the functions are checked through a tree of
   links with one package per function (mypy needs distinct module names);
4. the generated files are current: functions/*/requirements.txt, .github/workflows/ci-*.yml, the
   headers of every response in contracts/openapi.yaml and the capacity plan in terraform/README.md.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from devstack.catalog import FUNCTIONS_DIR, REPO_ROOT, load_catalog

BIN = Path(sys.executable).parent


def _run(what: str, command: Sequence[str], cwd: Path = REPO_ROOT, hint: str = "") -> bool:
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(REPO_ROOT / d) for d in ("shared", "scripts"))}
    result = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(f"lint: {what} failed{': ' + hint if hint else ''}", file=sys.stderr)
        print((result.stdout + result.stderr)[-6000:], file=sys.stderr)
        return False
    return True


def _function_tree(root: Path) -> list[Path]:
    """Links to each function's Python files, one package per function (auth-signup -> fn_auth_signup)."""
    files = []
    for fn in load_catalog().functions:
        package = root / ("fn_" + fn.name.replace("-", "_"))
        package.mkdir()
        for source in sorted(fn.source_dir.glob("*.py")):
            (package / source.name).symlink_to(source)
            files.append(package / source.name)
    (root / "conftest.py").symlink_to(FUNCTIONS_DIR / "conftest.py")
    return [*files, root / "conftest.py"]


# One cache per mypy run: the runs check the library with different options, and a shared cache
# would be rewritten by each run for the next one (measured: 18 s of CPU for a run that changed
# nothing, against 0.5 s with its own cache). The functions' tree of links lives there too, at a
# stable path, so its cache holds from one run to the next.
CACHE = REPO_ROOT / ".mypy_cache"


def _cache(name: str) -> list[str]:
    return ["--cache-dir", str(CACHE / name)]


def mypy() -> bool:
    mypy_bin = str(BIN / "mypy")
    strict = [
        mypy_bin,
        *_cache("strict"),
        "--strict",
        "--no-error-summary",
        "shared/wellness",
        "shared/wellness_testing",
        "scripts/devstack",
    ]
    if not _run("mypy --strict (library and tooling)", strict):
        return False
    # The library is checked strictly above; here only the tests' own errors count.
    tests = [mypy_bin, *_cache("tests"), "--no-error-summary", "--explicit-package-bases", "--follow-imports=silent"]
    tests += ["shared/tests", "scripts/tests", "tests"]
    if not _run("mypy (tests)", tests):
        return False
    CACHE.mkdir(exist_ok=True)
    # One lint at a time rebuilds and checks the tree (the pre-commit hook may run beside scripts/test).
    with open(CACHE / "functions-tree.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tree = CACHE / "functions-tree"
        shutil.rmtree(tree, ignore_errors=True)  # rebuilt: functions come and go
        tree.mkdir()
        files = _function_tree(tree)
        command = [
            mypy_bin,
            *_cache("functions"),
            "--no-error-summary",
            "--explicit-package-bases",
            "--follow-imports=silent",
            *map(str, files),
        ]
        return _run("mypy (functions)", command, cwd=tree)


def main(argv: list[str]) -> int:
    ruff = str(BIN / "ruff")
    if "--fix" in argv:
        subprocess.run([ruff, "check", "--fix", "--quiet", "."], cwd=REPO_ROOT)
        subprocess.run([ruff, "format", "--quiet", "."], cwd=REPO_ROOT)
    checks: list[Callable[[], bool]] = [
        lambda: _run("ruff check", [ruff, "check", "--quiet", "."], hint="`python -m devstack.lint --fix`"),
        lambda: _run("ruff format", [ruff, "format", "--check", "--quiet", "."], hint="`ruff format .`"),
        lambda: _run(
            "lint-imports",
            [str(BIN / "lint-imports"), "--config", str(REPO_ROOT / "pyproject.toml")],
            cwd=REPO_ROOT / "shared",
        ),
        mypy,
        lambda: _run(
            "requirements",
            [sys.executable, "-m", "devstack.deploy.requirements"],
            hint="run `python -m devstack.deploy.requirements --write`",
        ),
        lambda: _run(
            "workflows",
            [sys.executable, "-m", "devstack.deploy.workflows"],
            hint="run `python -m devstack.deploy.workflows --write`",
        ),
        lambda: _run(
            "contract headers",
            [sys.executable, "-m", "devstack.contract.headers"],
            hint="run `python -m devstack.contract.headers --write`",
        ),
        lambda: _run(
            "capacity plan",
            [sys.executable, "-m", "devstack.load.capacity", "--check"],
            hint="run `scripts/capacity-plan --write` (terraform/README.md from terraform/load-report.json)",
        ),
    ]
    return 0 if all(check() for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
