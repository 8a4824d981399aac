"""auth-password-reset, loaded as deployed: always 202; an event only for a registered address, with no token."""

import uuid

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.functional


def test_always_202_and_the_event_carries_no_token(load_function, postgres_url) -> None:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    account = {"email": email, "password": "correct horse battery", "displayName": "Ada", "timezone": "UTC"}
    load_function("auth-signup").post("/v1/auth/signup", json=account)
    client = load_function("auth-password-reset", PUBLISH_AFTER_COMMIT="false")
    known = client.post("/v1/auth/password-reset", json={"email": email})
    unknown = client.post("/v1/auth/password-reset", json={"email": "nobody-" + email})
    assert known.status_code == unknown.status_code == 202
    assert known.data == unknown.data == b""
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        rows = (
            conn.execute(
                sa.text(
                    "SELECT payload FROM outbox WHERE topic = 'password.reset_requested' AND payload->'data'->>'email' "
                    "IN (:a, :b)"
                ),
                {"a": email, "b": "nobody-" + email},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert len(rows) == 1
    assert set(rows[0]["data"]) == {"resetId", "userId", "email", "displayName", "expiresAt"}
