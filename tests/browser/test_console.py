"""The developer console in a real browser: a sign-up's request, trace and mail; a poison event and its replay."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from devstack.catalog import load_catalog
from devstack.stack import accounts
from devstack.stack.layout import PROJECT
from devstack.stack.pubsub_setup import admin_clients

pytestmark = pytest.mark.e2e


def until(page: Any, check: Callable[[], bool], timeout: float, what: str) -> None:
    """Reload the page until check() holds (the console renders what is there at each load)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(1)
        page.reload()


@pytest.fixture(scope="module")
def signup(local_stack: Any) -> dict[str, str]:
    """One sign-up through the gateway, as the app makes it."""
    email = f"console-{uuid.uuid4().hex[:10]}@example.com"
    name = f"Console {uuid.uuid4().hex[:6]}"
    account = accounts.sign_up(local_stack.gateway_url, email=email, display_name=name, timezone="Europe/Paris")
    return {"email": email, "name": name, "requestId": account.request_id}


def test_the_processes_are_listed_with_their_state_and_logs(page: Any, console_url: str) -> None:
    page.goto(console_url)
    row = page.locator("#processes tr[data-name='auth-signup']")
    assert row.locator(".state").inner_text() == "up"
    row.locator("a", has_text="log").click()
    page.wait_for_selector("pre.log")
    assert "auth-signup" in page.locator("h1").inner_text()


def test_a_signup_appears_in_the_requests_with_its_trace_showing_the_subscribers(
    page: Any, console_url: str, signup: dict[str, str]
) -> None:
    page.goto(f"{console_url}/requests")
    row = page.locator(f"#requests tr[data-request-id='{signup['requestId']}']")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "POST" and cells[1] == "/v1/auth/signup" and cells[3] == "201"
    row.locator("a.trace-link").click()
    page.wait_for_url("**/traces/*")
    subscribers = {sub.function for sub in load_catalog().subscriptions if sub.topic == "user.created"}

    def services() -> set[str]:
        chips = page.locator("#services li").all_inner_texts()
        return {chip.split()[0] for chip in chips}

    until(page, lambda: subscribers <= services(), 60, f"the trace shows {sorted(subscribers)}")
    assert "auth-signup" in services()
    assert page.locator("#waterfall .span-bar.kind-subscriber").count() >= len(subscribers)


def test_the_welcome_mail_is_listed(page: Any, console_url: str, signup: dict[str, str]) -> None:
    page.goto(f"{console_url}/mail")
    # The address also gets its verification link; the welcome is the one with its name.
    welcome = f"Welcome to Wellness, {signup['name']}"
    row = page.locator(f"#mail tr[data-to='{signup['email']}']", has_text=welcome)
    until(page, lambda: row.count() == 1, 60, f"a welcome mail to {signup['email']}")
    summary = row.locator("summary")
    assert summary.inner_text() == welcome
    summary.click()
    assert signup["name"] in row.locator(".mail-body").inner_text()


def test_a_poison_event_shows_in_its_dead_letter_hold_and_republishing_works(
    page: Any, console_url: str, local_stack: Any
) -> None:
    from google.pubsub_v1.types import PubsubMessage

    sub = next(s for s in load_catalog().subscriptions if s.topic == "reflection.logged")  # its one subscriber
    poison = f"not an event {uuid.uuid4().hex}".encode()
    topic = f"projects/{PROJECT}/topics/{sub.topic}"
    tap = f"projects/{PROJECT}/subscriptions/browser-test-tap-{uuid.uuid4().hex[:8]}"
    publisher, subscriber = admin_clients(local_stack.pubsub_host)
    try:
        publisher.publish(topic=topic, messages=[PubsubMessage(data=poison)])
        page.goto(f"{console_url}/events")
        held = page.locator(f"#holds tr[data-hold='{sub.dead_letter_hold}'] .held", has_text=poison.decode())
        # The subscriber refuses it max_delivery_attempts times (1-60 s backoff), then Pub/Sub dead-letters it.
        until(page, lambda: held.count() == 1, 150, f"the poison message in {sub.dead_letter_hold}")
        assert "not an event" in held.inner_text()
        assert f"{sub.max_delivery_attempts} delivery attempt(s)" in held.inner_text()
        message_id = held.get_attribute("data-message-id")

        # A tap on the topic sees what re-publishing sends there.
        subscriber.create_subscription(request={"name": tap, "topic": topic, "ack_deadline_seconds": 60})
        held.locator("button", has_text=f"Re-publish to {sub.topic}").click()
        flash = page.locator(".flash.ok")
        assert f"re-published message {message_id}" in flash.inner_text()
        assert page.locator(f"#holds .held[data-message-id='{message_id}']").count() == 0

        deadline = time.monotonic() + 30
        seen: list[bytes] = []
        while poison not in seen:
            assert time.monotonic() < deadline, "the re-published message never reached its topic"
            answer = subscriber.pull(request={"subscription": tap, "max_messages": 10}, timeout=5)
            seen += [m.message.data for m in answer.received_messages]
    finally:
        try:
            subscriber.delete_subscription(subscription=tap)
        except Exception:  # noqa: BLE001, S110 - the tap may not exist when the test failed early
            pass
        publisher.transport.close()
        subscriber.transport.close()
