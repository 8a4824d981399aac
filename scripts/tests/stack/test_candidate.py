"""A candidate release beside the local stack: the smoke through its gateway decides whether it is promoted.

Each candidate is a scratch copy of this checkout with one function changed; only that
function runs twice (devstack.stack.candidate). The smoke is the deploy's own (scripts/smoke's
`main`), with the stack's smoke key. Bounded by the smoke's event timeout, never by the clock.

A candidate with a broken endpoint or a broken subscriber, stopped by the smoke with the live
release still serving, is shown by the deploy rehearsal's scenarios, on this same module
(tests/deploy/test_rehearsal.py: `broken_endpoint`, `broken_subscriber` in standin/scenarios.py,
which call `candidate.release` with the same planted changes and assert the same failures, that
no candidate process is left, and that the live gateway still passes the smoke).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack.catalog import REPO_ROOT
from devstack.stack.candidate import release, smoke_passes

pytestmark = [pytest.mark.e2e, pytest.mark.own_session, pytest.mark.timeout(1200)]

EVENT_TIMEOUT = 30.0  # each event's effect, as the deploy waits for it in the cloud
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", "tests", "test_*.py")


def candidate_tree(tmp_path: Path, path: str, old: str, new: str) -> Path:
    """A checkout of the next release: this one with `old` replaced by `new` in one file."""
    root = tmp_path / "next-release"
    for part in ("functions", "contracts", "shared/wellness", "scripts/devstack"):
        shutil.copytree(REPO_ROOT / part, root / part, ignore=IGNORED)
    target = root / path
    text = target.read_text()
    assert old in text, f"{path} no longer holds {old!r}: update the planted change"
    target.write_text(text.replace(old, new))
    return root


def programs(stack: Any) -> int:
    token = stack_token(stack)
    return requests.get(
        f"{stack.gateway_url}/v1/programs", headers={"Authorization": f"Bearer {token}"}, timeout=20
    ).status_code


def stack_token(stack: Any) -> str:
    import uuid

    body = {
        "email": f"live-{uuid.uuid4().hex[:8]}@example.com",
        "password": "correct horse battery",
        "displayName": "Live",
        "timezone": "UTC",
    }
    answer = requests.post(f"{stack.gateway_url}/v1/auth/signup", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["accessToken"])


def try_release(stack: Any, tree: Path, capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    promoted = release(stack, tree, smoke_passes(stack.smoke_key_file, EVENT_TIMEOUT))
    captured = capsys.readouterr()
    return promoted, captured.out + captured.err


def test_a_healthy_candidate_passes_the_smoke_and_is_promoted(
    local_stack: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = candidate_tree(
        tmp_path, "functions/program-list/main.py", '"""GET /v1/programs:', '"""(the next release) GET /v1/programs:'
    )
    before = local_stack.urls["program-list"]
    promoted, said = try_release(local_stack, tree, capsys)
    assert promoted, said
    assert "smoke: 25 passed, 0 failed" in said and "not tried" not in said  # verified with the stack's smoke key
    assert local_stack.urls["program-list"] != before  # the live route now goes to the candidate's process
    assert local_stack.processes["program-list"]["url"] == local_stack.urls["program-list"]
    assert programs(local_stack) == 200
