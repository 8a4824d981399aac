"""notifications-on-user-deleted, as deployed: the sent-mail log forgets the user; later mail events send nothing."""

import pytest
import sqlalchemy as sa

from wellness.platform.subscriber import push_request
from wellness_testing.factories import user_created, user_deleted

pytestmark = pytest.mark.functional


def logged_mail(postgres_url: str, user_id: str) -> int:
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM notifications_sent_mail WHERE user_id = :u"), {"u": user_id}
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_erases_the_users_sent_mail_and_no_late_mail_goes_out(load_function, postgres_url, smtp_sink) -> None:
    welcome = load_function("notifications-on-user-created")
    signed_up, other = user_created(), user_created()
    for event in (signed_up, other):
        assert welcome.post("/", json=push_request(event)).status_code == 204
    assert logged_mail(postgres_url, signed_up.user_id) == 1

    deleted = user_deleted(signed_up.user_id)
    client = load_function("notifications-on-user-deleted")
    assert [client.post("/", json=push_request(deleted)).status_code for _ in range(2)] == [204, 204]
    assert (logged_mail(postgres_url, signed_up.user_id), logged_mail(postgres_url, other.user_id)) == (0, 1)

    # A late user.created (republished from a dead-letter hold, with a new id) sends no second welcome.
    late = user_created(signed_up.user_id, email=signed_up.data["email"])
    assert welcome.post("/", json=push_request(late)).status_code == 204
    assert logged_mail(postgres_url, signed_up.user_id) == 0
    assert len([m for m in smtp_sink.messages() if m["To"] == signed_up.data["email"]]) == 1
