"""scripts/test fails on CI when the gcloud emulators cannot start, and only warns elsewhere.

The emulators are made unavailable for real: a PATH without gcloud.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from devstack.catalog import REPO_ROOT
from devstack.stack import emulator_gate

pytestmark = pytest.mark.unit

# What scripts/test and scripts/_venv.sh run before the gate (the venv's python is called by path).
TOOLS = ("bash", "dirname", "cat", "sha256sum", "cut", "date", "basename")


@pytest.fixture
def no_gcloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only the shell tools scripts/test needs: no gcloud, no java."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def test_without_the_emulators_ci_fails_and_a_developer_is_warned(no_gcloud: Path) -> None:
    status, message = emulator_gate.verdict({"CI": "true"})
    assert status == 1 and message.startswith("ERROR: CI=true") and "gcloud is not on PATH" in message
    status, message = emulator_gate.verdict({})
    assert status == 0 and message.startswith("WARNING") and "gcloud is not on PATH" in message


def test_scripts_test_stops_on_ci_before_linting(no_gcloud: Path) -> None:
    env = {**os.environ, "CI": "true"}
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "test"), "--co"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ERROR: CI=true and the gcloud emulators are unavailable" in done.stderr
    assert "== lint" not in done.stdout
