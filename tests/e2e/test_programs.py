"""Programs and reports end to end: enroll, do today's task, see the streak; poison and deletion through Pub/Sub."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

import pytest

from wellness.platform.events import Event
from wellness_api_client import AuthenticatedClient
from wellness_api_client.api.program import (
    program_complete_task,
    program_enroll,
    program_list,
    program_list_my_enrollments,
    program_tasks_mine,
)
from wellness_api_client.api.reporting import reporting_daily, reporting_summary
from wellness_api_client.models import (
    Completion,
    CompletionRequest,
    DailyReportPage,
    DayTasks,
    Enrollment,
    EnrollmentPage,
    ProgramPage,
    ReportSummary,
)

from .conftest import SignUp, eventually, ok, refused

pytestmark = pytest.mark.e2e

ZONE = "Asia/Tokyo"


def local_today() -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(ZONE)).date()


def summary(me: AuthenticatedClient) -> ReportSummary:
    return ok(reporting_summary.sync_detailed(client=me), ReportSummary)


def today_of(me: AuthenticatedClient) -> DayTasks:
    return ok(program_tasks_mine.sync_detailed(client=me), DayTasks)


@pytest.fixture
def publisher(local_stack: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", local_stack.env["PUBSUB_EMULATOR_HOST"])
    return pubsub_v1.PublisherClient()


def enrolled_user(sign_up: SignUp) -> tuple[str, AuthenticatedClient]:
    """(user id, client) of a new user in Tokyo, enrolled in mindful-7 once the program domain knows the zone."""
    user = sign_up(timezone=ZONE)
    # user.created reaches the program domain a moment after sign-up; until then its "today" is UTC's.
    eventually(lambda: today_of(user.client).date == local_today(), timeout=10)
    ok(program_enroll.sync_detailed("mindful-7", client=user.client), Enrollment, 201)
    return user.id, user.client


def test_enroll_complete_today_and_the_summary_shows_the_streak(sign_up: SignUp) -> None:
    programs = ok(program_list.sync_detailed(client=sign_up().client, limit=100), ProgramPage)
    assert len(programs.items) >= 3 and programs.next_cursor is None
    _, me = enrolled_user(sign_up)
    assert refused(program_enroll.sync_detailed("mindful-7", client=me), 409)

    today = today_of(me)
    assert today.date == local_today()
    assert [(t.task_id, t.completed) for t in today.items] == [("mindful-7-d1", False)]
    done = ok(program_complete_task.sync_detailed("mindful-7-d1", client=me), Completion, 201)
    again = CompletionRequest(date=local_today())
    repeat = ok(program_complete_task.sync_detailed("mindful-7-d1", client=me, body=again), Completion, 200)
    assert repeat == done
    assert today_of(me).items[0].completed is True

    report = eventually(lambda: (s := summary(me)).tasks_completed == 1 and s, timeout=5)
    assert (report.current_streak, report.longest_streak, report.today) == (1, 1, local_today())
    daily = reporting_daily.sync_detailed(client=me, from_=local_today(), to=local_today())
    assert ok(daily, DailyReportPage).items[0].tasks_completed == 1


def test_user_deleted_erases_enrollments_and_reports(sign_up: SignUp, local_stack: Any, publisher: Any) -> None:
    user_id, me = enrolled_user(sign_up)
    ok(program_complete_task.sync_detailed("mindful-7-d1", client=me), Completion, 201)
    eventually(lambda: summary(me).tasks_completed == 1, timeout=5)
    event = Event.new("user.deleted", user_id=user_id, data={"userId": user_id})
    topic = publisher.topic_path(local_stack.env["GOOGLE_CLOUD_PROJECT"], "user.deleted")
    publisher.publish(topic, event.to_json(), eventId=event.id).result(timeout=10)
    eventually(lambda: summary(me).tasks_completed == 0, timeout=10)
    enrolled = program_list_my_enrollments.sync_detailed
    eventually(lambda: ok(enrolled(client=me), EnrollmentPage).items == [], timeout=10)


def test_a_poison_task_completed_is_dead_lettered_and_blocks_nothing(
    sign_up: SignUp, local_stack: Any, publisher: Any
) -> None:
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    project = local_stack.env["GOOGLE_CLOUD_PROJECT"]
    poison = f'{{"id": "{uuid.uuid4()}", "type": "task.completed"}}'.encode()  # an envelope that fails its schema
    publisher.publish(publisher.topic_path(project, "task.completed"), poison).result(timeout=10)

    _, me = enrolled_user(sign_up)  # a completion right behind it still reaches the report
    ok(program_complete_task.sync_detailed("mindful-7-d1", client=me), Completion, 201)
    eventually(lambda: summary(me).current_streak == 1, timeout=10)

    subscriber = pubsub_v1.SubscriberClient()
    hold = subscriber.subscription_path(project, "reporting-on-task-completed.dead-letter.hold")

    def dead_lettered() -> Any:
        response = subscriber.pull(subscription=hold, max_messages=20, timeout=5)
        if response.received_messages:
            subscriber.acknowledge(subscription=hold, ack_ids=[m.ack_id for m in response.received_messages])
        return next((m.message for m in response.received_messages if m.message.data == poison), None)

    message = eventually(dead_lettered, timeout=90, interval=1)  # 5 attempts with 1-60 s backoff
    assert message.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == "5"
