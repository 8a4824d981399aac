"""The cloud capacity plan: Little's law over the catalog, the connection budget, the bill, the README section."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import load_catalog
from devstack.load import capacity

pytestmark = pytest.mark.unit


def _report(tasks_ms: float = 100.0) -> dict[str, Any]:
    routes = [
        {"route": "GET /v1/me/tasks", "requests": 600, "avg": tasks_ms, "p50": tasks_ms},
        {"route": "POST /v1/me/tasks/{taskId}/completions", "requests": 300, "avg": 150.0, "p50": 140.0},
        {"route": "GET /v1/community/posts", "requests": 100, "avg": 80.0, "p50": 70.0},
    ]
    return {
        "run": {"runId": "r1", "users": 50, "durationS": 60, "started": "2026-11-30T00:00:00Z", "machine": "2 CPUs"},
        "totals": {"requests": 1000},
        "routes": routes,
        "steady": {"routes": routes},
        "eventsByTopic": {"task.completed": 300},
    }


@pytest.fixture(scope="module")
def tf() -> capacity.Terraform:
    return capacity.prod_terraform()


def test_prod_s_terraform_variables_are_read(tf: capacity.Terraform) -> None:
    assert tf.pool_size >= 1 and tf.max_connections > 0 and tf.tier.startswith("db-custom-")


def test_instances_follow_little_s_law_and_the_rate(tf: capacity.Terraform) -> None:
    result = capacity.plan(_report(), load_catalog(), tf)
    by_rate = {row["rate"]: row for row in result["rates"]}
    # 1,000 req/s x 60 % on tasks x 0.1 s = 60 busy instances, over the 0.6 target utilisation.
    assert by_rate[1000]["instances"]["program-tasks-mine"] == math.ceil(1000 * 0.6 * 0.1 / capacity.TARGET_UTILISATION)
    assert by_rate[10]["instances"]["program-tasks-mine"] == 1
    # Completions raise task.completed (0.3 per request), which one subscription takes.
    assert by_rate[100]["pubsubPublishesPerS"] == 30.0 and by_rate[100]["pubsubDeliveriesPerS"] == 30.0
    assert "reporting-on-task-completed" in by_rate[100]["instances"]
    assert by_rate[10]["instancesTotal"] < by_rate[100]["instancesTotal"] < by_rate[1000]["instancesTotal"]


def test_a_slow_route_shows_as_over_its_max_instances_and_in_the_connection_budget(tf: capacity.Terraform) -> None:
    fast = {r["rate"]: r for r in capacity.plan(_report(), load_catalog(), tf)["rates"]}
    slow = {r["rate"]: r for r in capacity.plan(_report(tasks_ms=2000.0), load_catalog(), tf)["rates"]}
    assert "program-tasks-mine" not in fast[100]["overMaxInstances"]
    assert "program-tasks-mine" in slow[100]["overMaxInstances"]
    assert slow[100]["sqlConnections"] > fast[100]["sqlConnections"]


def test_the_bill_is_the_sum_of_its_parts_and_grows_with_the_rate(tf: capacity.Terraform) -> None:
    rows = capacity.plan(_report(), load_catalog(), tf)["rates"]
    for row in rows:
        cost = row["cost"]
        assert abs(cost["total"] - sum(v for k, v in cost.items() if k != "total")) <= len(cost)  # rounding
    assert rows[0]["cost"]["total"] < rows[1]["cost"]["total"] < rows[2]["cost"]["total"]
    assert rows[0]["cost"]["cloudSql"] == rows[2]["cost"]["cloudSql"] > 0  # one instance, whatever the rate


def test_the_readme_section_between_the_markers_is_replaced_and_nothing_else(
    tmp_path: Path, tf: capacity.Terraform
) -> None:
    readme = tmp_path / "README.md"
    start, end = capacity.MARKER
    readme.write_text(f"# Title\n\nbefore\n{start}\nold table\n{end}\nafter\n")
    text = capacity.render(capacity.plan(_report(), load_catalog(), tf))
    capacity.write_section(readme, text)
    content = readme.read_text()
    assert "old table" not in content and "| instances, all functions" in content
    assert content.startswith("# Title\n\nbefore\n") and content.endswith(f"{end}\nafter\n")
    with pytest.raises(ValueError, match="no"):
        capacity.write_section(_without_markers(tmp_path), text)


def _without_markers(tmp_path: Path) -> Path:
    path = tmp_path / "plain.md"
    path.write_text("# nothing to refresh\n")
    return path


def test_write_keeps_the_report_beside_the_plan_and_check_fails_once_the_plan_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    start, end = capacity.MARKER
    readme, kept = tmp_path / "README.md", tmp_path / "load-report.json"
    readme.write_text(f"# Terraform\n{start}\n{end}\n")
    monkeypatch.setattr(capacity, "README", readme)
    monkeypatch.setattr(capacity, "REPORT", kept)
    monkeypatch.setattr(capacity, "REPO_ROOT", tmp_path)
    source = tmp_path / "run" / "report.json"
    source.parent.mkdir()
    source.write_text(json.dumps(_report()))
    assert capacity.main(["--check", "--report", str(source)]) == 1  # nothing written yet
    assert capacity.main(["--report", str(source), "--write"]) == 0
    assert json.loads(kept.read_text()) == _report()
    assert capacity.main(["--check"]) == 0  # from the kept report
    readme.write_text(readme.read_text().replace("| 1 |", "| 2 |", 1))
    assert capacity.main(["--check"]) == 1
    assert "is not current" in capsys.readouterr().err


def test_the_committed_plan_is_current() -> None:
    # What lint checks: the catalog, prod's tfvars and terraform/load-report.json still give the README's plan.
    assert capacity.main(["--check"]) == 0
