"""The stand-in plans a replacement where the real provider's argument is ForceNew, an update elsewhere.

The real CLI on the stand-in providers (as the rehearsal runs them), on a one-topic
configuration: a topic's `name` is ForceNew in the provider (forcenew.json, derived from its
source), its `message_retention_duration` is not; an IAM member's `role` is ForceNew
(tpgiamresource's IamMemberBaseSchema, which every `*_iam_member` merges with its parent's).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin import forcenew, install, schema

CONFIG = """\
terraform {
  required_providers {
    google = { source = "hashicorp/google", version = "6.50.0" }
  }
}
provider "google" {
  project = "standin-project"
  region  = "europe-west1"
}
variable "name" { type = string }
variable "retention" { type = string }
variable "role" { type = string }
resource "google_pubsub_topic" "t" {
  name                       = var.name
  message_retention_duration = var.retention
}
resource "google_pubsub_topic_iam_member" "reader" {
  topic  = google_pubsub_topic.t.name
  role   = var.role
  member = "serviceAccount:reader@standin-project.iam.gserviceaccount.com"
}
"""


@pytest.mark.unit
def test_every_iam_member_type_the_repository_uses_replaces_on_role_member_and_condition() -> None:
    table = forcenew.load()
    used = schema.used_types(REPO_ROOT / "terraform")["resource"]
    members = sorted(t for t in used if t.endswith("_iam_member"))
    assert members, "the repository grants IAM with *_iam_member resources"
    for type_name in members:
        assert {"role", "member", "condition", "condition.expression"} <= set(table[type_name]), type_name
    # the parent each binds on is ForceNew too (its own schema, merged)
    assert "topic" in table["google_pubsub_topic_iam_member"]
    assert "bucket" in table["google_storage_bucket_iam_member"]


@pytest.mark.unit
def test_the_table_covers_every_resource_type_the_repository_uses() -> None:
    """GA types from the google repository, google-beta-only ones (API Gateway...) from google-beta's."""
    used = schema.used_types(REPO_ROOT / "terraform")["resource"]
    builtins = {t for t in used if not t.startswith("google_")}  # terraform_data
    assert used - builtins <= set(forcenew.load())
    assert "api_config_id" in forcenew.load()["google_api_gateway_api_config"]


@pytest.mark.e2e
def test_a_forcenew_change_plans_a_replacement_and_another_an_update(tmp_path: Path) -> None:
    assert shutil.which("terraform"), "terraform is not installed"
    try:
        schema.load()
    except schema.SchemaMissing as exc:
        pytest.skip(f"provider schema not installed ({exc}); run scripts/lint-deploy once")
    assert "name" in forcenew.load()["google_pubsub_topic"]
    config = tmp_path / "tf"
    config.mkdir()
    (config / "main.tf").write_text(CONFIG)
    env = install.install(tmp_path / "standin", config)

    def terraform(*args: str) -> str:
        done = subprocess.run(
            ["terraform", f"-chdir={config}", *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def actions(name: str, retention: str, role: str = "roles/pubsub.viewer") -> dict[str, list[str]]:
        terraform("plan", "-out=next.tfplan", f"-var=name={name}", f"-var=retention={retention}", f"-var=role={role}")
        shown = json.loads(terraform("show", "-json", "next.tfplan"))
        return {c["address"]: list(c["change"]["actions"]) for c in shown["resource_changes"]}

    topic, member = "google_pubsub_topic.t", "google_pubsub_topic_iam_member.reader"
    terraform("init", "-no-color")
    terraform("apply", "-auto-approve", "-var=name=events", "-var=retention=86400s", "-var=role=roles/pubsub.viewer")
    assert actions("events", "86400s") == {topic: ["no-op"], member: ["no-op"]}
    assert actions("events", "600s")[topic] == ["update"]
    assert actions("events-v2", "86400s")[topic] == ["delete", "create"]
    assert actions("events", "86400s", role="roles/pubsub.subscriber") == {
        topic: ["no-op"],
        member: ["delete", "create"],
    }
