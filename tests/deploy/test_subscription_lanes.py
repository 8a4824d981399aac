"""Every subscriber's two lanes in Terraform: the live subscription and its candidate twin (wellness.platform.smoke)."""

from __future__ import annotations

import json
from typing import Any

import hcl2
import pytest

from devstack.catalog import REPO_ROOT
from devstack.stack.pubsub_setup import LANES
from wellness.platform.smoke import CANDIDATE_FILTER, CANDIDATE_SUFFIX, LIVE_FILTER

pytestmark = pytest.mark.unit

MODULE = REPO_ROOT / "terraform/modules/subscriber_function/main.tf"


def module() -> tuple[dict[str, Any], dict[str, Any]]:
    with MODULE.open() as fh:
        parsed = hcl2.load(fh)
    resources = {
        f"{json.loads(kind)}.{json.loads(name)}": body
        for block in parsed["resource"]
        for kind, named in block.items()
        for name, body in named.items()
    }
    quoted = {k: v for block in parsed["locals"] for k, v in block.items() if k.endswith("_filter")}
    local_values = {k: json.loads(v) for k, v in quoted.items()}  # HCL's string escapes are JSON's here
    return resources, local_values


def test_the_lanes_filters_are_the_librarys() -> None:
    _, local_values = module()
    assert (local_values["live_filter"], local_values["candidate_filter"]) == (LIVE_FILTER, CANDIDATE_FILTER)
    assert LANES == {"live": LIVE_FILTER, "candidate": CANDIDATE_FILTER}  # and the local stack's


def test_the_live_lane_pushes_to_the_service_and_the_candidate_lane_to_the_tag() -> None:
    resources, _ = module()
    live, candidate = resources["google_pubsub_subscription.push"], resources["google_pubsub_subscription.candidate"]
    assert live["name"] == '"${var.subscription.name}.live"' and live["filter"] == "${local.live_filter}"
    assert candidate["name"] == f'"${{var.subscription.name}}{CANDIDATE_SUFFIX}"'
    assert candidate["filter"] == "${local.candidate_filter}"
    assert live["push_config"][0]["push_endpoint"] == "${module.function.url}"
    assert candidate["push_config"][0]["push_endpoint"] == "${module.function.candidate_url}"
    oidc = candidate["push_config"][0]["oidc_token"][0]
    assert oidc["audience"] == "${module.function.candidate_url}"  # one of the service's custom audiences
    for policy in ("retry_policy", "dead_letter_policy", "expiration_policy", "ack_deadline_seconds", "topic"):
        assert candidate[policy] == live[policy], policy
    agent = resources["google_pubsub_subscription_iam_member.agent_subscribes_candidate"]
    assert agent["subscription"] == "${google_pubsub_subscription.candidate.name}"


def test_the_first_rollout_creates_the_filtered_live_subscription_before_removing_the_unfiltered_one() -> None:
    resources, _ = module()
    # A filter is fixed at creation: the filtered subscription is a new one, under a new name,
    # created before the old one goes, so no message published meanwhile is missed.
    assert resources["google_pubsub_subscription.push"]["lifecycle"][0]["create_before_destroy"] is True
