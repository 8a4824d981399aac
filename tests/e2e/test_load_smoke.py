"""scripts/load against the whole local stack: a 10-second smoke load with a few users, 0 errors, a report.

Performance is measured, not asserted: this checks only that the load tool runs the app's
day end to end (sign-up, sessions, the feed) without a single failed request and writes its
report, with the local stack's own measures (event lag, outbox backlog, processes) in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devstack.load.run import main

pytestmark = pytest.mark.e2e


def test_a_ten_second_smoke_load_runs_without_errors_and_writes_its_report(
    local_stack: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "load"
    args = ["--base-url", local_stack.gateway_url, "--users", "3", "--duration", "10", "--spawn-rate", "3"]
    assert main([*args, "--out", str(out), "--state-dir", str(local_stack.state_dir)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["requests"] > 0
    assert report["totals"]["failures"] == 0, report["failures"]
    routes = {r["route"] for r in report["routes"]}
    said = (out / "locust.log").read_text()[-3000:]  # a user that died in on_start says why only there
    assert {"POST /v1/auth/signup", "POST /v1/programs/{programId}/enrollments"} <= routes, said
    assert report["eventLag"]["unapplied"] == 0  # every completion of the run reached the reports
    assert report["processes"] and report["outbox"]  # the stack was monitored while it ran
    assert (out / "report.md").read_text().startswith("# Load run")
    assert "report written to" in capsys.readouterr().out
