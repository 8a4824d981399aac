"""Subscriber on `task.completed`: record the completed task for its local day (once)."""

from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber
from wellness.reporting.ports import ReportingStore
from wellness.reporting.wiring import reporting_service

runtime = function_runtime("postgres")
reports = reporting_service(runtime)


@subscriber("task.completed", runtime, reports.unit_of_work)
def handler(event: Event, store: ReportingStore) -> None:
    reports.on_task_completed(store, event)
