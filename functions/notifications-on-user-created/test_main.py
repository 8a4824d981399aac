"""notifications-on-user-created, as deployed: one welcome mail per event over real SMTP; failed sends retry."""

import pytest
import sqlalchemy as sa

from wellness.platform.subscriber import push_request
from wellness_testing.factories import user_created

pytestmark = pytest.mark.functional


def mails_to(sink, email: str) -> list:
    return [m for m in sink.messages() if m["To"] == email]


def test_three_deliveries_send_one_welcome_mail(load_function, smtp_sink) -> None:
    client = load_function("notifications-on-user-created")
    event = user_created(displayName="Pia")
    assert [client.post("/", json=push_request(event)).status_code for _ in range(3)] == [204, 204, 204]
    (mail,) = mails_to(smtp_sink, event.data["email"])
    assert mail["Subject"] == "Welcome to Wellness, Pia"
    assert mail["X-Wellness-Event-Id"] == event.id


def test_a_failed_send_is_nacked_and_records_nothing(load_function, postgres_url, smtp_sink) -> None:
    closed_port = str(smtp_sink.port + 1 if smtp_sink.port < 65535 else 1)
    client = load_function("notifications-on-user-created", SMTP_PORT=closed_port)
    event = user_created()
    assert client.post("/", json=push_request(event)).status_code == 503  # Pub/Sub will deliver it again
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        processed = conn.execute(
            sa.text("SELECT count(*) FROM processed_events WHERE event_id = :e"), {"e": event.id}
        ).scalar()
    engine.dispose()
    assert processed == 0
    retry = load_function("notifications-on-user-created")
    assert retry.post("/", json=push_request(event)).status_code == 204
    assert len(mails_to(smtp_sink, event.data["email"])) == 1
