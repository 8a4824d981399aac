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
    runtime = Runtime(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}), ("postgres",))
    monkeypatch.setattr(runtime, "warm_up", lambda: warmed.append(threading.current_thread().name))
    monkeypatch.setattr(runtime_module, "_instance", runtime)

    runtime_module._after_fork()
    for thread in threading.enumerate():
        if thread.name == "wellness-warm-up":
            thread.join(5)

    assert warmed == ["wellness-warm-up"]


def test_a_runtime_with_nothing_to_open_warms_up_nothing() -> None:
    runtime = Runtime(load_settings({"GOOGLE_CLOUD_PROJECT": "p", "FUNCTION_NAME": "unit"}), ())
    runtime.warm_up()
    assert not {"engine", "publisher", "firestore"} & set(runtime.__dict__)
