"""program-enroll: day 1 is due today in the user's zone; enrolling twice is a 409."""

import datetime as dt
import uuid
import zoneinfo

import pytest
from sqlalchemy import create_engine, text

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_enroll_starts_today_in_the_users_zone_and_twice_is_409(load_function, postgres_url) -> None:
    client = load_function("program-enroll")
    user = str(uuid.uuid4())
    engine = create_engine(postgres_url)
    with engine.begin() as conn:  # as program-on-user-created would have recorded it
        conn.execute(text("INSERT INTO program_users VALUES (:u, 'Pacific/Kiritimati', now())"), {"u": user})
    engine.dispose()
    first = client.post("/v1/programs/mindful-7/enrollments", headers=userinfo_header({"sub": user}))
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    today = dt.datetime.now(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()  # UTC+14: often tomorrow in UTC
    assert (body["programId"], body["startedOn"], body["durationDays"]) == ("mindful-7", today.isoformat(), 7)
    again = client.post("/v1/programs/mindful-7/enrollments", headers=userinfo_header({"sub": user}))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_enrolled"


def test_an_unknown_program_is_404(load_function) -> None:
    headers = userinfo_header({"sub": str(uuid.uuid4())})
    assert load_function("program-enroll").post("/v1/programs/nope/enrollments", headers=headers).status_code == 404


def test_a_retried_enrollment_with_its_idempotency_key_answers_201_again_not_409(load_function, sql) -> None:
    client = load_function("program-enroll")
    user, key = str(uuid.uuid4()), str(uuid.uuid4())
    headers = {**userinfo_header({"sub": user}), "Idempotency-Key": key}
    first = client.post("/v1/programs/move-14/enrollments", headers=headers)
    again = client.post("/v1/programs/move-14/enrollments", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    without_key = client.post("/v1/programs/move-14/enrollments", headers=userinfo_header({"sub": user}))
    assert without_key.status_code == 409
    rows = sql(
        "SELECT state, committed, status FROM idempotency_keys WHERE body LIKE :b",
        b=f"%{first.get_json()['startedOn']}%",
    )
    assert ("completed", True, 201) in [tuple(r) for r in rows]
