"""The architecture is enforced by import-linter (pyproject.toml's [tool.importlinter] contracts).

scripts/test runs `lint-imports` on the repository; this test shows the contracts
bite: in a scratch copy of the library, one platform module that imports a domain
breaks the build, and the report names the import.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(shared: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=shared,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_platform_module_that_imports_a_domain_fails_the_lint(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shutil.copytree(REPO / "shared", shared, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    assert lint(shared).returncode == 0, lint(shared).stdout[-2000:]
    paging = shared / "wellness" / "platform" / "paging.py"
    paging.write_text(paging.read_text() + "\nfrom wellness.profile import model as _model  # noqa: E402, F401\n")
    result = lint(shared)
    assert result.returncode != 0
    assert "The platform imports no domain BROKEN" in result.stdout
    assert "wellness.platform.paging -> wellness.profile.model" in result.stdout


def test_a_domain_reaching_into_another_domain_fails_the_lint(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shutil.copytree(REPO / "shared", shared, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    service = shared / "wellness" / "program" / "service.py"
    service.write_text(
        service.read_text() + "\nfrom wellness.profile import adapters as _adapters  # noqa: E402, F401\n"
    )
    result = lint(shared)
    assert result.returncode != 0 and "Domains meet only through each other's public module BROKEN" in result.stdout
