"""The breaking-change gate, exercised with one breaking and one compatible change of each kind."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import CONTRACTS_DIR
from devstack.contract.diff import changes, event_changes, openapi_changes
from wellness.platform.strict_yaml import read_yaml

pytestmark = pytest.mark.unit

BASE: dict[str, Any] = read_yaml(CONTRACTS_DIR / "openapi.yaml")


def edited(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    change(doc["definitions"], doc["paths"])
    return doc


def test_the_contract_compared_with_itself_has_no_change() -> None:
    assert openapi_changes(BASE, BASE) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d, p: d["SignupRequest"]["properties"].update(referralCode={"type": "string"}),
        lambda d, p: d["Profile"]["properties"].update(avatarUrl={"type": "string"}),
        lambda d, p: p.update({"/v1/new": {"get": {"operationId": "newOp", "responses": {"200": {}}}}}),
        lambda d, p: d["ProfilePatch"]["properties"]["bio"].update(maxLength=1000),
        lambda d, p: d["Profile"]["required"].append("bio") if "bio" not in d["Profile"]["required"] else None,
    ],
    ids=["optional request field", "new response field", "new operation", "wider limit", "response more present"],
)
def test_compatible_changes_pass(change: Any) -> None:
    assert openapi_changes(BASE, edited(change)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d, p: p.pop("/v1/auth/jwks"), "GET /v1/auth/jwks: operation removed"),
        (lambda d, p: d["Profile"]["properties"].pop("bio"), "GET /v1/me/profile 200 response.bio: field removed"),
        (
            lambda d, p: (
                d["SignupRequest"]["required"].append("referralCode")
                or d["SignupRequest"]["properties"].update(referralCode={"type": "string"})
            ),
            "POST /v1/auth/signup request body.referralCode: became required",
        ),
        (
            lambda d, p: d["ProfilePatch"]["properties"]["bio"].update(maxLength=100),
            "PATCH /v1/me/profile request body.bio: maxLength tightened to 100",
        ),
        (
            lambda d, p: d["Session"]["properties"]["expiresIn"].update(type="string"),
            "POST /v1/auth/login 200 response.expiresIn: type changed from ['integer'] to ['string']",
        ),
    ],
    ids=["removed operation", "removed response field", "new required field", "narrowed limit", "changed type"],
)
def test_breaking_changes_fail_with_a_readable_line(change: Any, expected: str) -> None:
    found = openapi_changes(BASE, edited(change))
    assert expected in found, found


def test_events_removed_field_breaks_and_added_field_passes() -> None:
    schema = json.loads((CONTRACTS_DIR / "events" / "user.created.v1.json").read_text())
    added = copy.deepcopy(schema)
    added["properties"]["locale"] = {"type": "string"}
    removed = copy.deepcopy(schema)
    removed["properties"].pop("timezone")
    assert event_changes({"u": schema}, {"u": added}) == []
    assert event_changes({"u": schema}, {"u": removed}) == ["event u.timezone: field removed"]
    assert event_changes({"u": schema}, {}) == ["event u: schema removed"]


def test_against_git_revisions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CONTRACTS_DIR, repo / "contracts")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    assert changes("HEAD", None, repo) == []
    event = repo / "contracts" / "events" / "user.created.v1.json"
    schema = json.loads(event.read_text())
    schema["properties"].pop("displayName")
    event.write_text(json.dumps(schema))
    assert changes("HEAD", None, repo) == ["event user.created.v1.json.displayName: field removed"]


def test_query_parameters_new_required_and_narrowed() -> None:
    def add_param(required: bool, maximum: int) -> dict[str, Any]:
        doc = copy.deepcopy(BASE)
        param = {"in": "query", "name": "limit", "type": "integer", "required": required, "maximum": maximum}
        doc["paths"]["/v1/auth/jwks"]["get"]["parameters"] = [param]
        return doc

    assert openapi_changes(add_param(False, 100), add_param(False, 200)) == []
    assert openapi_changes(add_param(False, 100), add_param(True, 100)) == [
        "GET /v1/auth/jwks query parameter limit: became required"
    ]
    assert openapi_changes(add_param(False, 100), add_param(False, 50)) == [
        "GET /v1/auth/jwks query parameter limit: maximum tightened to 50"
    ]
