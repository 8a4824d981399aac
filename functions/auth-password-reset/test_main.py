"""auth-password-reset, loaded as deployed: always 202 and the same event whatever the address.

The same work, so the same time: what the answer costs for each kind is measured by
`scripts/bench-abuse` (reset_timing), not asserted here.
"""

import uuid

import pytest

pytestmark = pytest.mark.functional


def test_always_202_and_the_same_event_whether_registered_or_not(load_function, sql) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
    load_function("auth-signup").post("/v1/auth/signup", json=account)
    client = load_function("auth-password-reset", PUBLISH_AFTER_COMMIT="false")
    known = client.post("/v1/auth/password-reset", json={"email": email})
    unknown = client.post("/v1/auth/password-reset", json={"email": "nobody-" + email})
    assert known.status_code == unknown.status_code == 202
    assert known.data == unknown.data == b""
    submitted = sql(
        "SELECT payload->'data' FROM outbox WHERE topic = 'password.reset_submitted' "
        "AND payload->'data'->>'email' IN (:a, :b)",
        a=email,
        b="nobody-" + email,
    )
    assert sorted(row[0]["email"] for row in submitted) == sorted([email, "nobody-" + email])
    requested = (
        "SELECT count(*) FROM outbox WHERE topic = 'password.reset_requested' AND payload->'data'->>'email' = :a"
    )
    assert sql(requested, a=email) == [(0,)]  # decided after the answer, by auth-on-password-reset-submitted


def _submitted(sql, *emails: str) -> int:
    """How many reset requests for these addresses were recorded (each one is what would be mailed)."""
    query = (
        "SELECT count(*) FROM outbox WHERE topic = 'password.reset_submitted' AND payload->'data'->>'email' = ANY(:e)"
    )
    return int(sql(query, e=list(emails))[0][0])


def test_past_an_address_limit_the_answer_is_the_same_202_and_nothing_is_mailed(load_function, sql) -> None:
    """The per-address limit answers as any request does (status, body, headers), registered address or not."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
    load_function("auth-signup").post("/v1/auth/signup", json=account)
    client = load_function("auth-password-reset", PUBLISH_AFTER_COMMIT="false", PASSWORD_RESET_MAX_PER_ADDRESS="2")
    seen = set()
    for address in (email, "nobody-" + email):
        for n in range(4):
            answer = client.post(
                "/v1/auth/password-reset", json={"email": address}, headers={"X-Forwarded-For": f"198.51.100.{n}"}
            )
            headers = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in ("x-request-id", "x-trace-id", "traceparent")
            }
            seen.add((answer.status_code, answer.data, tuple(sorted(headers.items()))))
        assert _submitted(sql, address) == 2
    assert len(seen) == 1 and next(iter(seen))[0] == 202


def test_past_the_client_limit_a_429_with_retry_after(load_function, sql) -> None:
    client = load_function("auth-password-reset", PUBLISH_AFTER_COMMIT="false", PASSWORD_RESET_MAX_PER_CLIENT="3")
    attacker = {"X-Forwarded-For": f"203.0.113.{uuid.uuid4().int % 250}"}
    tag = uuid.uuid4().hex[:8]
    statuses = [
        client.post("/v1/auth/password-reset", json={"email": f"victim{n}-{tag}@example.com"}, headers=attacker)
        for n in range(4)
    ]
    assert [a.status_code for a in statuses] == [202, 202, 202, 429]
    refused = statuses[-1]
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert _submitted(sql, *(f"victim{n}-{tag}@example.com" for n in range(4))) == 3
    elsewhere = {"X-Forwarded-For": f"192.0.2.{uuid.uuid4().int % 250}"}
    assert (
        client.post("/v1/auth/password-reset", json={"email": f"x-{tag}@example.com"}, headers=elsewhere).status_code
        == 202
    )
    stored = " ".join(key for (key,) in sql("SELECT key FROM auth_login_throttle"))
    assert attacker["X-Forwarded-For"] not in stored and "victim" not in stored
