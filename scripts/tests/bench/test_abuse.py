"""scripts/bench-abuse against the whole local stack: every probe runs and prints what the issue asked of it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devstack.bench.abuse import main

pytestmark = pytest.mark.e2e


def test_the_abuse_bench_prints_one_line_per_probe_with_the_defended_answers(
    local_stack: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--state-dir", str(local_stack.state_dir), "--reset-samples", "2"]) == 0
    lines = {line["probe"]: line for line in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(lines) == {
        "hostile",
        "throttle",
        "ended_sessions",
        "verification",
        "signup_throttle",
        "reset_timing",
        "headers",
        "mail_flood",
    }
    hostile = {k: v for k, v in lines["hostile"].items() if k != "probe"}
    assert all(400 <= v["status"] < 500 and v["nextValid"] < 400 for v in hostile.values()), json.dumps(hostile)
    assert lines["throttle"]["evaluated401"] == 5, lines["throttle"]
    assert set(lines["ended_sessions"]["afterDelete"].values()) == {401}, lines["ended_sessions"]
    assert lines["verification"]["unverifiedPost"] == 403 and lines["verification"]["postStillVisible"]
    assert 429 in lines["signup_throttle"]["sameAddress"]
    flood = lines["mail_flood"]
    assert flood["reset"]["mailed"] <= 5 and flood["verification"]["mailed"] <= 5, flood  # 25 requests each
    assert lines["headers"] == {"probe": "headers", "function": "nosniff", "gateway404": "nosniff"}
