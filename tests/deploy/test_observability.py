"""The alerts and dashboards of terraform/modules/observability, checked here so a typo fails before production.

Every alert query and dashboard panel is rewritten for the local Prometheus
(devstack.observability.to_local) and checked by `promtool check rules`; the e2e
tier also runs them against the stack's Prometheus (tests/e2e/test_observability.py).
Without Debian's `prometheus` package (it brings promtool) the promtool check is
skipped with what to install; .ci/run installs it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from devstack import observability
from devstack.catalog import REPO_ROOT
from devstack.stack.prometheus import INSTALL_HINT, promtool_binary

pytestmark = pytest.mark.unit

LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")  # Prometheus label names (its data model page)
REQUIRED = {"name", "display_name", "severity", "duration", "query", "means", "first_step"}


def promtool_check(tmp_path: Path, groups: dict) -> None:
    promtool = promtool_binary()
    if promtool is None:
        pytest.skip(f"promtool not found: {INSTALL_HINT}")
    rules = tmp_path / "rules.yml"
    rules.write_text(yaml.safe_dump(groups, sort_keys=False))
    result = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_says_what_it_means_and_what_to_do_first() -> None:
    alerts = observability.alerts()
    assert {a["name"] for a in alerts} >= {
        "api_availability_fast_burn",
        "api_latency_fast_burn",
        "dead_lettered_message",
        "outbox_stuck",
        "function_5xx_rate",
        "subscriber_lag",
    }
    for alert in alerts:
        assert REQUIRED <= set(alert), alert["name"]
        assert alert["severity"] in ("CRITICAL", "ERROR", "WARNING"), alert["name"]
        assert re.fullmatch(r"\d+s", alert["duration"]), alert["name"]
        assert "${" not in alert["query"], alert["name"]


def test_every_alert_name_is_a_prometheus_label_name() -> None:
    """Terraform sends it as alert_rule, which "must be a valid Prometheus label name".

    Provider 6.50.0, google/services/monitoring/resource_monitoring_alert_policy.go (alert_rule);
    tests/deploy/test_terraform.py checks the Terraform side.
    """
    for alert in observability.alerts():
        assert LABEL_NAME.fullmatch(alert["name"]), f"{alert['name']}: alert_rule must be a Prometheus label name"


def test_the_readme_explains_every_alert() -> None:
    operating = (REPO_ROOT / "README.md").read_text().split("## Operating it", 1)[1].split("\n## ", 1)[0]
    for alert in observability.alerts():
        assert f"`{alert['name']}`" in operating, alert["name"]


def test_every_alert_query_passes_promtool(tmp_path: Path) -> None:
    promtool_check(tmp_path, observability.rule_groups())


def test_every_dashboard_panel_passes_promtool(tmp_path: Path) -> None:
    rules = [
        {"record": f"panel:{domain}:{number}", "expr": query}
        for number, (domain, _, query) in enumerate(observability.dashboard_queries(local=True))
    ]
    promtool_check(tmp_path, {"groups": [{"name": "dashboards", "rules": rules}]})


def test_a_typo_is_caught(tmp_path: Path) -> None:
    broken = {
        "groups": [{"name": "g", "rules": [{"alert": "a", "expr": observability.to_local('sum(rate({"x"}[5m])')}]}]
    }
    with pytest.raises(AssertionError, match="parse error|unclosed"):
        promtool_check(tmp_path, broken)


@pytest.mark.parametrize(
    ("cloud", "local"),
    [
        ('{"faas.coldstarts"}', '{__name__="faas_coldstarts"}'),
        (
            'max by ("wellness.store") ({"wellness.outbox.oldest_age"}) > 300',
            'max by (wellness_store) ({__name__="wellness_outbox_oldest_age"}) > 300',
        ),
        (
            '{"a.b_count", "http.response.status_code"=~"5..", le="0.5"}',
            '{__name__="a_b_count", http_response_status_code=~"5..", le="0.5"}',
        ),
        (
            'rate(pubsub_googleapis_com:x{monitored_resource="y"}[5m])',
            'rate(pubsub_googleapis_com:x{monitored_resource="y"}[5m])',
        ),
        ('{"m", "k"="with.dots \\" and quotes"}', '{__name__="m", k="with.dots \\" and quotes"}'),
    ],
)
def test_to_local_renames_only_quoted_names(cloud: str, local: str) -> None:
    assert observability.to_local(cloud) == local
