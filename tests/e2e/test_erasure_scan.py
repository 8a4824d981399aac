"""Erasure proven by a scan: after DELETE /v1/me, no table and no collection holds the user, but what README allows.

Before the deletion, the same scan checks the account's export: every value of every row and
document it finds of the user is in one record of `GET /v1/me/export`, but what README's
"Exporting an account's data" leaves out (wellness_testing.export_check).

A user signs up and uses every operation of the contract (with Idempotency-Key where the
operation takes one: stored answers hold texts), another user's post gets the user's
comment, reaction and report; then the account is deleted. Every PostgreSQL table and every
Firestore collection, listed from the database and the emulator (wellness_testing.scan), is
searched for the user's id, e-mail, display name and every text they wrote, until only
README's "Deleting an account" allowances hold any (polled: a bounded number of scans), and
the tombstones are there.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

from devstack.stack.accounts import mailed_token
from wellness.platform.contracts import contracts_dir
from wellness.platform.erasure import pseudonym
from wellness.platform.strict_yaml import read_yaml
from wellness_testing.export_check import uncovered
from wellness_testing.scan import Found, Rows, firestore_rows, postgres_rows, scan_firestore, scan_postgres

from .conftest import Api, eventually

pytestmark = pytest.mark.e2e

README = Path(__file__).parents[2] / "README.md"
SCANS = 150  # at most this many scans, 0.2 s apart, for the subscribers, the relay and its purges
PASSWORD = "correct horse battery"


def allowances() -> set[str]:
    """The `store:name` cells of README's table of what deletion keeps: the only places the scan may find the user."""
    section = README.read_text().split("## Deleting an account", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `((?:postgres|firestore):[\w.]+)` \|", section, re.MULTILINE))


def left_out_of_the_export() -> set[str]:
    """The `store:name[.column]` cells of README's table of what the export leaves out."""
    section = README.read_text().split("## Exporting an account's data", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `((?:postgres|firestore):[\w.]+)` \|", section, re.MULTILINE))


def operations() -> set[str]:
    paths = read_yaml(contracts_dir() / "openapi.yaml")["paths"]
    return {op["operationId"] for item in paths.values() for op in item.values() if isinstance(op, dict)}


class Scanner:
    def __init__(self, stack: Any):
        from google.cloud import firestore

        self.engine = sa.create_engine(stack.database_url)
        self.firestore = firestore.Client(project=stack.env["GOOGLE_CLOUD_PROJECT"])

    def scan(self, needles: list[str]) -> Found:
        found = {f"postgres:{table}": rows for table, rows in scan_postgres(self.engine, needles).items()}
        found.update({f"firestore:{c}": docs for c, docs in scan_firestore(self.firestore, needles).items()})
        return found

    def rows(self, needles: list[str]) -> Rows:
        found = {f"postgres:{table}": rows for table, rows in postgres_rows(self.engine, needles).items()}
        found.update({f"firestore:{c}": docs for c, docs in firestore_rows(self.firestore, needles).items()})
        return found


@pytest.fixture
def scanner(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scanner]:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", local_stack.env["FIRESTORE_EMULATOR_HOST"])
    scanner = Scanner(local_stack)
    yield scanner
    scanner.engine.dispose()


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def use_every_operation(api: Api, local_stack: Any, tag: str) -> tuple[dict[str, Any], list[str], set[str]]:
    """(the user's session, the texts they wrote, the operations used): everything a user can do, once or more."""
    used: set[str] = set()

    def call(operation: str, method: str, path: str, token: str | None, status: int, **kwargs: Any) -> Any:
        answer = api.call(method, path, token, **kwargs)
        assert answer.status_code == status, f"{operation}: {answer.status_code} {answer.text}"
        used.add(operation)
        return answer.json() if answer.content else None

    texts = [f"Bio {tag}", f"Journal {tag}", f"Second journal {tag}", f"Post {tag}", f"Comment {tag}"]
    texts += [f"Reply {tag}", f"Report {tag}"]
    email = f"scan-{tag}@example.com"
    signed = call("authSignup", "POST", "/v1/auth/signup", None, 201, json={
        "email": email, "password": PASSWORD, "displayName": f"Scan {tag}", "timezone": "Asia/Tokyo"
    })  # fmt: skip
    call("authResendVerification", "POST", "/v1/auth/email-verification", signed["accessToken"], 202, headers=key())
    used.add("authVerifyEmail")  # api.verify confirms the mailed link
    session = api.verify({**signed, "password": PASSWORD})
    token, me = session["accessToken"], signed["user"]["id"]
    eventually(lambda: api.call("GET", "/v1/me/profile", token).status_code == 200, timeout=30)

    call("authPasswordReset", "POST", "/v1/auth/password-reset", None, 202, json={"email": email})
    reset = mailed_token(local_stack.mail_dir, email, "Reset your Wellness password")
    call("authPasswordResetConfirm", "POST", "/v1/auth/password-reset/confirm", None, 204,
         json={"token": reset, "newPassword": PASSWORD})  # fmt: skip
    assert api.call("POST", "/v1/auth/login", json={"email": email, "password": "wrong password"}).status_code == 401
    session = call("authLogin", "POST", "/v1/auth/login", None, 200, json={"email": email, "password": PASSWORD})
    session = call("authRefresh", "POST", "/v1/auth/refresh", None, 200, json={"refreshToken": session["refreshToken"]})
    token = session["accessToken"]
    spare = call("authLogin", "POST", "/v1/auth/login", None, 200, json={"email": email, "password": PASSWORD})
    call("authLogout", "POST", "/v1/auth/logout", spare["accessToken"], 204)
    call("authJwks", "GET", "/v1/auth/jwks", None, 200)

    etag = api.call("GET", "/v1/me/profile", token).headers["ETag"]
    call("profileGetMine", "GET", "/v1/me/profile", token, 200)
    call("profileUpdateMine", "PATCH", "/v1/me/profile", token, 200, json={"bio": texts[0]},
         headers={"If-Match": etag})  # fmt: skip
    call("profileGetPublic", "GET", f"/v1/profiles/{me}", token, 200)

    call("programList", "GET", "/v1/programs", token, 200)
    call("programGet", "GET", "/v1/programs/mindful-7", token, 200)
    call("programEnroll", "POST", "/v1/programs/mindful-7/enrollments", token, 201, headers=key())
    call("programEnroll", "POST", "/v1/programs/move-14/enrollments", token, 201, headers=key())
    call("programUnenroll", "DELETE", "/v1/programs/move-14/enrollments/me", token, 204)
    call("programListMyEnrollments", "GET", "/v1/me/enrollments", token, 200)
    call("programTasksMine", "GET", "/v1/me/tasks", token, 200)
    call("programCompleteTask", "POST", "/v1/me/tasks/mindful-7-d1/completions", token, 201, headers=key())

    journal = call("reflectionCreate", "POST", "/v1/me/reflections", token, 201, headers=key(),
                   json={"mood": 4, "text": texts[1], "tags": ["calm"]})  # fmt: skip
    call(
        "reflectionCreate", "POST", "/v1/me/reflections", token, 201, headers=key(), json={"mood": 2, "text": texts[2]}
    )
    call("reflectionList", "GET", "/v1/me/reflections", token, 200)
    call("reflectionGet", "GET", f"/v1/me/reflections/{journal['id']}", token, 200)
    call("reflectionDelete", "DELETE", f"/v1/me/reflections/{journal['id']}", token, 204)
    eventually(lambda: api.call("GET", "/v1/me/reports/summary", token).json()["tasksCompleted"] == 1, timeout=30)
    call("reportingSummary", "GET", "/v1/me/reports/summary", token, 200)
    call("reportingDaily", "GET", "/v1/me/reports/daily?from=2026-01-01&to=2026-01-31", token, 200)

    other = api.sign_up(displayName=f"Other {tag}")["accessToken"]
    theirs = api.call("POST", "/v1/community/posts", other, json={"text": "Someone else's post"}).json()
    mine = call(
        "communityCreatePost", "POST", "/v1/community/posts", token, 201, headers=key(), json={"text": texts[3]}
    )
    posts = "/v1/community/posts"
    call("communityListPosts", "GET", posts, token, 200)
    call("communityGetPost", "GET", f"{posts}/{theirs['id']}", token, 200)
    comment = call("communityAddComment", "POST", f"{posts}/{theirs['id']}/comments", token, 201, headers=key(),
                   json={"text": texts[4]})  # fmt: skip
    call("communityAddComment", "POST", f"{posts}/{theirs['id']}/comments", token, 201, json={"text": texts[5]})
    call("communityListComments", "GET", f"{posts}/{theirs['id']}/comments", token, 200)
    call("communityDeleteComment", "DELETE", f"{posts}/{theirs['id']}/comments/{comment['id']}", token, 204)
    call("communityPutReaction", "PUT", f"{posts}/{theirs['id']}/reactions/me", token, 200)
    call("communityDeleteReaction", "DELETE", f"{posts}/{theirs['id']}/reactions/me", token, 200)
    call("communityPutReaction", "PUT", f"{posts}/{theirs['id']}/reactions/me", token, 200)
    call("communityReportPost", "POST", f"{posts}/{theirs['id']}/reports", token, 201, headers=key(),
         json={"reason": texts[6]})  # fmt: skip
    spare_post = call("communityCreatePost", "POST", posts, token, 201, json={"text": f"Deleted post {tag}"})
    call("communityDeletePost", "DELETE", f"{posts}/{spare_post['id']}", token, 204)
    assert mine["id"]
    return session, texts, used


def test_after_deletion_only_the_allowed_places_hold_the_user(api: Api, local_stack: Any, scanner: Scanner) -> None:
    tag = uuid.uuid4().hex[:12]
    session, texts, used = use_every_operation(api, local_stack, tag)
    user = session["user"]
    needles = [user["id"], user["email"], user["displayName"], *texts]
    before = scanner.scan(needles)
    assert {"postgres:auth_users", "firestore:profiles", "firestore:reflections", "firestore:posts"} <= set(before)
    export_holds_what_the_scan_finds(api, scanner, session["accessToken"], needles)
    used.add("authExportMe")

    assert api.call("DELETE", "/v1/me", session["accessToken"]).status_code == 204
    used.add("authDeleteMe")
    assert operations() - used == set(), "a new operation: use it in use_every_operation"

    allowed = allowances()
    assert allowed, "README's 'Deleting an account' lists no allowance"
    found = scanner.scan(needles)
    for _ in range(SCANS):
        if set(found) <= allowed:
            break
        time.sleep(0.2)
        found = scanner.scan(needles)
    assert {place: rows for place, rows in found.items() if place not in allowed} == {}
    assert set(found) == allowed, "README allows a place that holds nothing of the user any more: update it"

    with scanner.engine.connect() as conn:
        tombstone = conn.execute(
            sa.text("SELECT count(*) FROM erased_users WHERE key = :k"), {"k": pseudonym(user["id"])}
        )
        assert tombstone.scalar_one() == 1
    assert scanner.firestore.collection("erasedUsers").document(pseudonym(user["id"])).get().exists


def export_holds_what_the_scan_finds(api: Api, scanner: Scanner, token: str, needles: list[str]) -> None:
    """Every value of the user the scan finds is in one record of the export, but what README leaves out.

    Subscribers may still be applying the user's events: the scan is taken before and after the
    export until both agree (a bounded number of times), so the export saw what the scan shows.
    """
    left_out = left_out_of_the_export()
    assert left_out, "README's 'Exporting an account's data' lists nothing left out"
    for _ in range(SCANS):
        found = scanner.rows(needles)
        answer = api.call("GET", "/v1/me/export", token)
        assert answer.status_code == 200, answer.text
        if scanner.rows(needles) == found:
            break
        time.sleep(0.2)
    every_domain = {"postgres:auth_users", "postgres:auth_refresh_tokens", "postgres:program_completions"}
    every_domain |= {"postgres:reporting_reflections", "postgres:notifications_sent_mail", "firestore:profiles"}
    every_domain |= {"firestore:reflections", "firestore:comments", "firestore:reactions", "firestore:reports"}
    assert every_domain <= set(found), "the check runs on every domain's rows"
    assert uncovered(answer.json(), found, left_out) == [], "held of the user, not in GET /v1/me/export"
    stale = {entry for entry in left_out if entry.split(".")[0] not in found}
    assert stale == set(), "README leaves out of the export places that hold nothing of the user"
