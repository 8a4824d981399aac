"""scripts/smoke, the deploy's smoke test, passes against the local stack: it stays true."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_scripts_smoke_passes_against_the_local_stack(local_stack: Any) -> None:
    run = subprocess.run(
        [str(REPO_ROOT / "scripts/smoke"), "--base-url", local_stack.gateway_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "6 passed, 0 failed" in run.stdout  # the last: the account is deleted


def test_scripts_smoke_fails_when_nothing_answers() -> None:
    run = subprocess.run(
        [str(REPO_ROOT / "scripts/smoke"), "--base-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "FAILED" in run.stderr
