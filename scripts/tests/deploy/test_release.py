"""The release record is read strictly: only a missing record with no deployed service is a first deploy."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from devstack.deploy import release

pytestmark = pytest.mark.unit

RECORD = {"live_api_config": "a1b2c3", "live_revisions": {"auth-login": "auth-login-0123456789"}, "ref": "f00d"}


class FakeCommands:
    """gcloud and terraform as the deploy runs them: each answer given up front."""

    def __init__(self, cat: tuple[int, str, str], state: tuple[int, str, str] = (0, "", "")) -> None:
        self.answers = {"gcloud": cat, "terraform": state}
        self.ran: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        self.ran.append(list(argv))
        code, out, err = self.answers[argv[0]]
        return subprocess.CompletedProcess(list(argv), code, out, err)


def state_with(*types: str) -> str:
    return json.dumps({"version": 4, "resources": [{"type": t, "name": "x"} for t in types]})


def test_a_record_that_is_there_keeps_users_where_they_are() -> None:
    record, first = release.read("gs://b/live.json", "tf", FakeCommands((0, json.dumps(RECORD), "")))
    assert not first
    assert release.tfvars(record) == {"live_api_config": "a1b2c3", "live_revisions": RECORD["live_revisions"]}


def test_no_record_and_no_service_in_the_state_is_a_first_deploy() -> None:
    not_found = (1, "", "ERROR: (gcloud.storage.cat) The following URLs matched no objects or files: gs://b/live.json")
    for state in ("", state_with("google_sql_database_instance")):
        record, first = release.read("gs://b/live.json", "tf", FakeCommands(not_found, (0, state, "")))
        assert first and release.tfvars(record) == {"live_api_config": "", "live_revisions": {}}


@pytest.mark.parametrize(
    ("cat", "state", "reason"),
    [
        ((1, "", "ERROR: 403 deployer does not have storage.objects.get access"), (0, "", ""), "cannot read"),
        ((1, "", "ERROR: Connection reset by peer"), (0, "", ""), "cannot read"),
        ((0, "{not json", ""), (0, "", ""), "malformed"),
        ((0, json.dumps({"live_api_config": "x"}), ""), (0, "", ""), "malformed"),
        ((1, "", "404 Not Found"), (0, state_with("google_cloud_run_v2_service"), ""), "restore the record"),
        ((1, "", "404 Not Found"), (1, "", "Error: Failed to load state"), "cannot read the Terraform state"),
    ],
)
def test_any_other_failure_to_read_stops_the_deploy(
    cat: tuple[int, str, str], state: tuple[int, str, str], reason: str
) -> None:
    with pytest.raises(release.ReleaseError, match=reason):
        release.read("gs://b/live.json", "tf", FakeCommands(cat, state))


def test_promotion_records_this_applys_candidates(tmp_path: Path) -> None:
    outputs: dict[str, Any] = {
        "release_api_config": {"value": "c0ffee"},
        "candidate_revisions": {"value": {"auth-login": "auth-login-9876543210", "db-migrate": "db-migrate-01"}},
    }
    commands = FakeCommands((0, "", ""))
    release.write_record(release.promoted(outputs, "beef"), "gs://b/live.json", tmp_path / "live.json", commands)
    # The release's own copy in the history first (a rollback target from then on), then live.json.
    copy = ["gcloud", "storage", "cp", str(tmp_path / "live.json")]
    assert commands.ran == [[*copy, "gs://b/beef.json"], [*copy, "gs://b/live.json"]]
    written = json.loads((tmp_path / "live.json").read_text())
    assert written == {
        "live_api_config": "c0ffee",
        "live_revisions": outputs["candidate_revisions"]["value"],
        "ref": "beef",
    }
    with pytest.raises(release.ReleaseError, match="candidate_revisions"):
        release.promoted({"release_api_config": {"value": "c0ffee"}}, "beef")
