"""The runtime's warm-up is started in the process gunicorn forks to serve, in a thread of its own."""

from __future__ import annotations

import threading

import pytest

from wellness.platform import runtime as runtime_module
from wellness.platform.config import load_settings
from wellness.platform.runtime import Runtime

pytestmark = pytest.mark.unit


def test_the_forked_worker_warms_up_the_instances_runtime_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    warmed: list[str] = []
    runtime = Runtime(
        load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}), ("pubsub",), warm_publisher=True
    )
    monkeypatch.setattr(runtime, "warm_up", lambda: warmed.append(threading.current_thread().name))
    monkeypatch.setattr(runtime_module, "_instance", runtime)

    runtime_module._after_fork()
    for thread in threading.enumerate():
        if thread.name == "wellness-warm-up":
            thread.join(5)

    assert warmed == ["wellness-warm-up"]


@pytest.mark.parametrize(
    ("needs", "warm_publisher"),
    [(("postgres", "firestore"), True), (("postgres", "pubsub"), False), (("firestore", "pubsub"), False)],
)
def test_only_a_function_that_asks_and_publishes_warms_up_and_only_its_publisher(
    needs: tuple[str, ...], warm_publisher: bool
) -> None:
    runtime = Runtime(
        load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}), needs, warm_publisher=warm_publisher
    )
    runtime.warm_up()
    assert not {"engine", "publisher", "firestore"} & set(runtime.__dict__)


def test_a_runtime_that_does_not_ask_starts_no_warm_up_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = Runtime(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}), ("pubsub",))
    monkeypatch.setattr(runtime, "warm_up", lambda: pytest.fail("warmed up"))
    monkeypatch.setattr(runtime_module, "_instance", runtime)
    before = threading.active_count()
    runtime_module._after_fork()
    assert threading.active_count() == before
