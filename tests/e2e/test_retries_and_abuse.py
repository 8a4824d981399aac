"""Retries from the app and cheap abuse, through the gateway: idempotency, stale edits, dead tokens, throttles."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack.bench.mail_flood import flood

from .conftest import Api, eventually

pytestmark = pytest.mark.e2e


def test_a_post_retried_after_a_dropped_answer_is_answered_again_not_posted_twice(api: Api) -> None:
    token = api.sign_up()["accessToken"]
    key = str(uuid.uuid4())
    body = {"text": f"once {key}"}
    first = api.call("POST", "/v1/community/posts", token, json=body, headers={"Idempotency-Key": key})
    # The app never saw that answer (a dropped connection): it sends the same request again.
    retry = api.call("POST", "/v1/community/posts", token, json=body, headers={"Idempotency-Key": key})
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json() and retry.headers["Idempotent-Replayed"] == "true"
    feed = api.call("GET", "/v1/community/posts?limit=100", token).json()["items"]
    assert [p["text"] for p in feed].count(body["text"]) == 1
    other = api.call("POST", "/v1/community/posts", token, json={"text": "else"}, headers={"Idempotency-Key": key})
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")


def test_an_enrollment_retried_with_its_key_is_201_again_in_a_postgres_domain(api: Api) -> None:
    token = api.sign_up()["accessToken"]
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.call("POST", "/v1/programs/sleep-10/enrollments", token, headers=headers)
    retry = api.call("POST", "/v1/programs/sleep-10/enrollments", token, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201) and retry.json() == first.json()


def test_a_profile_edit_from_a_stale_copy_is_412(api: Api) -> None:
    token = api.sign_up()["accessToken"]
    read = eventually(lambda: (r := api.call("GET", "/v1/me/profile", token)).status_code == 200 and r, timeout=20)
    etag = read.headers["ETag"]
    tablet = api.call("PATCH", "/v1/me/profile", token, json={"bio": "tablet"}, headers={"If-Match": etag})
    assert tablet.status_code == 200 and tablet.headers["ETag"] != etag
    phone = api.call("PATCH", "/v1/me/profile", token, json={"bio": "phone"}, headers={"If-Match": etag})
    assert (phone.status_code, phone.json()["error"]["code"]) == (412, "precondition_failed")
    assert api.call("GET", "/v1/me/profile", token).json()["bio"] == "tablet"


def test_after_deleting_the_account_its_token_writes_nothing_anywhere(api: Api) -> None:
    token = api.sign_up()["accessToken"]
    eventually(lambda: api.call("GET", "/v1/me/profile", token).status_code == 200, timeout=20)
    assert api.call("DELETE", "/v1/me", token).status_code == 204
    for method, path, body in (
        ("POST", "/v1/programs/mindful-7/enrollments", None),  # Postgres
        ("POST", "/v1/me/reflections", {"mood": 3, "text": "after"}),  # Firestore
        ("POST", "/v1/community/posts", {"text": "after"}),  # Firestore
        ("PATCH", "/v1/me/profile", {"bio": "after"}),
    ):
        refused = api.call(method, path, token, json=body)
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "token_revoked"), path


def test_after_logging_out_that_sessions_token_writes_nothing(api: Api) -> None:
    token = api.sign_up()["accessToken"]
    assert api.call("POST", "/v1/auth/logout", token).status_code == 204
    refused = api.call("POST", "/v1/me/reflections", token, json={"mood": 3, "text": "after"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "token_revoked")


def test_ten_concurrent_wrong_passwords_evaluate_at_most_five(api: Api) -> None:
    email = api.sign_up(verified=False)["user"]["email"]
    wrong = {"email": email, "password": "not the password"}
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: api.call("POST", "/v1/auth/login", json=wrong).status_code, range(10)))
    print(
        f"\n10 concurrent wrong passwords through the gateway: {statuses.count(401)} evaluated, "
        f"{statuses.count(429)} refused"
    )
    assert statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 10


def test_a_flood_of_resets_and_resends_delivers_a_handful_of_mails(api: Api, local_stack) -> None:
    """25 resets for one address and 25 resends: every event recorded is mailed, and there are few (counted)."""
    result = flood(api.base_url, local_stack.mail_dir, local_stack.database_url, attempts=25)
    print(f"\nmail flood: {result}")
    assert result["allDelivered"], result
    assert result["reset"] == {"statuses": {202: 25}, "mailed": 3}  # PASSWORD_RESET_MAX_PER_ADDRESS; the rest silent
    assert result["verification"] == {"statuses": {202: 3, 429: 22}, "mailed": 4}  # sign-up's link and three more


def test_reusing_a_rotated_refresh_token_stops_the_sessions_access_tokens_writing(api: Api) -> None:
    """A leaked refresh token, used after the owner rotated it: the session ends, its access tokens write nothing."""
    session = api.sign_up()
    token = session["accessToken"]
    assert api.call("POST", "/v1/auth/refresh", json={"refreshToken": session["refreshToken"]}).status_code == 200
    reuse = api.call("POST", "/v1/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert reuse.status_code == 401
    for method, path, body in (
        ("POST", "/v1/programs/mindful-7/enrollments", None),  # Postgres
        ("POST", "/v1/me/reflections", {"mood": 3, "text": "after the reuse"}),  # Firestore
    ):
        answer = api.call(method, path, token, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (401, "token_revoked"), (path, answer.text)
