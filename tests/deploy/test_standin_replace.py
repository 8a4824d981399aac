"""The stand-in plans a replacement where the real provider's argument is ForceNew, an update elsewhere.

The real CLI on the stand-in providers (as the rehearsal runs them), on a one-topic
configuration: a topic's `name` is ForceNew in the provider (forcenew.json, derived from its
source), its `message_retention_duration` is not.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from devstack.deploy.standin import forcenew, install, schema

pytestmark = pytest.mark.e2e

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
resource "google_pubsub_topic" "t" {
  name                       = var.name
  message_retention_duration = var.retention
}
"""


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

    def actions(name: str, retention: str) -> list[str]:
        terraform("plan", "-out=next.tfplan", f"-var=name={name}", f"-var=retention={retention}")
        shown = json.loads(terraform("show", "-json", "next.tfplan"))
        return list(shown["resource_changes"][0]["change"]["actions"])

    terraform("init", "-no-color")
    terraform("apply", "-auto-approve", "-var=name=events", "-var=retention=86400s")
    assert actions("events", "86400s") == ["no-op"]
    assert actions("events", "600s") == ["update"]
    assert actions("events-v2", "86400s") == ["delete", "create"]
