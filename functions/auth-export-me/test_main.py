"""auth-export-me, loaded as deployed: the caller's data from every domain, bounded, and nobody else's."""

import json
import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional

PASSWORD = "correct horse battery"


def sign_up(load_function) -> str:
    account = {"email": f"{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "displayName": "Ada",
               "timezone": "Asia/Tokyo"}  # fmt: skip
    answer = load_function("auth-signup").post("/v1/auth/signup", json=account)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return str(answer.get_json()["user"]["id"])


def test_the_export_holds_each_domain_s_records_of_the_caller_only(load_function) -> None:
    me, other = sign_up(load_function), sign_up(load_function)
    for user, text in ((me, "my journal"), (other, "someone else's journal")):
        created = load_function("reflection-create").post(
            "/v1/me/reflections", json={"mood": 4, "text": text}, headers=userinfo_header({"sub": user})
        )
        assert created.status_code == 201
    enrolled = load_function("program-enroll").post(
        "/v1/programs/mindful-7/enrollments", headers=userinfo_header({"sub": me})
    )
    assert enrolled.status_code == 201

    answer = load_function("auth-export-me").get("/v1/me/export", headers=userinfo_header({"sub": me}))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    export = answer.get_json()
    assert export["userId"] == me and export["auth"]["account"]["id"] == me
    assert export["auth"]["account"]["timezone"] == "Asia/Tokyo"
    assert [s["userId"] for s in export["auth"]["sessions"]] == [me]
    assert [r["text"] for r in export["reflection"]["reflections"]] == ["my journal"]
    assert [e["programId"] for e in export["program"]["enrollments"]] == ["mindful-7"]
    assert export["profile"] == {"profile": None}  # profile-on-user-created has not run here
    text = json.dumps(export)
    assert "someone else's journal" not in text and other not in text
    assert "passwordHash" not in text and "tokenHash" not in text and "argon2" not in text


def test_more_than_a_section_may_hold_is_a_413_not_an_unbounded_read(load_function) -> None:
    me = sign_up(load_function)
    for n in range(2):
        load_function("reflection-create").post(
            "/v1/me/reflections", json={"mood": 3, "text": f"entry {n}"}, headers=userinfo_header({"sub": me})
        )
    bounded = load_function("auth-export-me", EXPORT_MAX_RECORDS="1")
    answer = bounded.get("/v1/me/export", headers=userinfo_header({"sub": me}))
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "export_too_large"
    assert "1 reflections" in answer.get_json()["error"]["message"]
    tiny = load_function("auth-export-me", EXPORT_MAX_BYTES="200").get(
        "/v1/me/export", headers=userinfo_header({"sub": me})
    )
    assert (tiny.status_code, tiny.get_json()["error"]["code"]) == (413, "export_too_large")


def test_no_account_no_export(load_function) -> None:
    answer = load_function("auth-export-me").get("/v1/me/export", headers=userinfo_header({"sub": str(uuid.uuid4())}))
    assert (answer.status_code, answer.get_json()["error"]["code"]) == (404, "account_not_found")
