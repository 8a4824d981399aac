"""The whole suite's two sessions run at once; the lane's output, both tiers and either failure reach the caller."""

from __future__ import annotations

import ast
import io
import sys
import tomllib
from pathlib import Path

import pytest

from devstack.catalog import REPO_ROOT
from devstack.suite import LANE, LANE_PATHS, run, sessions

pytestmark = pytest.mark.unit

# A stand-in session: says its name, saves a tiers summary where devstack.suite says, and waits
# for the other one's mark (each poll counted) before it ends: only two sessions at once both pass.
SESSION = """
import os, sys, time
from pathlib import Path
from devstack.tiers import FILE_VARIABLE, Summary
me, other, status, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
(folder / me).touch()
print(f"{me} says hello", flush=True)
Summary({"e2e": {"passed": 2}, "unit": {"failed": status}}, {"e2e": 10.0}).save(Path(os.environ[FILE_VARIABLE]))
for _ in range(2000):
    if (folder / other).exists():
        sys.exit(status)
    time.sleep(0.05)
sys.exit(99)
"""


@pytest.fixture(autouse=True)
def _tooling_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT / "scripts"))


def _session(tmp_path: Path, me: str, other: str, status: int) -> list[str]:
    return [sys.executable, "-c", SESSION, me, other, str(status), str(tmp_path)]


@pytest.mark.parametrize(("main_status", "lane_status", "expected"), [(0, 0, 0), (0, 1, 1), (2, 0, 2), (2, 1, 2)])
def test_both_run_at_once_and_either_failure_fails_the_suite(
    tmp_path: Path, main_status: int, lane_status: int, expected: int
) -> None:
    out = io.StringIO()
    log = tmp_path / "logs" / "lane.log"
    main, lane = _session(tmp_path, "main", "lane", main_status), _session(tmp_path, "lane", "main", lane_status)
    assert run(main, lane, log, out) == expected
    printed = out.getvalue()
    assert "lane says hello" in printed  # the lane's log, printed at the end
    assert log.read_text() == "lane says hello\n"
    failed = main_status + lane_status
    assert printed.splitlines()[-4:] == [
        "unit         " + (f"{failed} failed" if failed else "0 failed"),
        "integration  no tests",
        "functional   no tests",
        "e2e          4 passed in 20 s",
    ]


def test_a_session_that_wrote_no_tiers_is_said(tmp_path: Path) -> None:
    out = io.StringIO()
    crashed = [sys.executable, "-c", "raise SystemExit(4)"]
    assert run(crashed, crashed, tmp_path / "lane.log", out) == 4
    assert "tiers of both sessions (0 of 2 wrote theirs)" in out.getvalue()


def test_the_sessions_split_the_suite_by_the_lane_marker() -> None:
    main, lane = sessions("python")
    assert main[-2:] == ["-m", f"not {LANE}"]
    assert lane[3:] == ["-m", LANE, "-p", "no:cacheprovider", *LANE_PATHS]


def _marks_the_lane(path: Path) -> bool:
    """Whether the module names `pytest.mark.own_session` (a decorator, or in its pytestmark)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr == LANE:
            if isinstance(node.value, ast.Attribute) and node.value.attr == "mark":
                return True
    return False


def test_the_lane_collects_every_file_whose_tests_are_marked_for_it() -> None:
    testpaths = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    files = {path for top in testpaths for path in (REPO_ROOT / top).rglob("test_*.py")}
    marked = {str(path.relative_to(REPO_ROOT)) for path in files if _marks_the_lane(path)}
    assert marked == set(LANE_PATHS)
