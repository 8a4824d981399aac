"""scripts/smoke, the deploy's smoke test, passes against the local stack: it stays true."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT

pytestmark = pytest.mark.e2e


JOURNEY = [
    "sign up",
    "verification mail recorded",
    "e-mail verified",
    "log in and refresh",
    "profile appears",
    "patch and read back",
    "programs listed",
    "enrolled",
    "today's tasks",
    "task completed",
    "completion reported",
    "reflection logged",
    "reflection listed",
    "reflection reported",
    "post created",
    "comment added",
    "reaction counted",
    "post deleted",
    "anonymous call refused",
    "account deleted",
    "profile erased",
    "public profile erased",
    "enrollments erased",
    "reflections erased",
    "reports erased",
]


def smoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO_ROOT / "scripts/smoke"), *args], capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL
    )


def test_scripts_smoke_walks_every_domain_against_the_local_stack(local_stack: Any) -> None:
    key = str(local_stack.smoke_key_file)  # as deploy.yml gives it the secret smoke-key
    run = smoke("--base-url", local_stack.gateway_url, "--smoke-key-file", key, "--event-timeout", "60")
    assert run.returncode == 0, run.stderr
    assert [line.removeprefix("smoke: ok  ") for line in run.stdout.splitlines() if "ok  " in line] == JOURNEY
    assert f"{len(JOURNEY)} passed, 0 failed" in run.stdout


def test_without_the_smoke_key_the_community_is_reported_not_tried(local_stack: Any) -> None:
    run = smoke("--base-url", local_stack.gateway_url, "--event-timeout", "60")
    assert run.returncode == 0, run.stderr
    not_tried = [line for line in run.stdout.splitlines() if "not tried" in line]
    assert len(not_tried) == 5 and any("post created" in line for line in not_tried), run.stdout
    assert "ok  verification mail recorded" in run.stdout  # the mail path is tried all the same


def test_scripts_smoke_fails_when_nothing_answers() -> None:
    run = smoke("--base-url", "http://127.0.0.1:9")
    assert run.returncode == 1 and "FAILED" in run.stderr
