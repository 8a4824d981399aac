"""Subscriber on `reflection.logged`: record the reflection's mood for its local day (once)."""

from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber
from wellness.reporting.ports import ReportingStore
from wellness.reporting.wiring import reporting_service

runtime = function_runtime("postgres")
reports = reporting_service(runtime)


@subscriber("reflection.logged", runtime, reports.unit_of_work)
def handler(event: Event, store: ReportingStore) -> None:
    reports.on_reflection_logged(store, event)
