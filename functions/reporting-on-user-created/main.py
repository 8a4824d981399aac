"""Subscriber on `user.created`: the reporting domain's copy of the user's time zone."""

from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber
from wellness.reporting.ports import ReportingStore
from wellness.reporting.wiring import reporting_service

runtime = function_runtime("postgres")
reports = reporting_service(runtime)


@subscriber("user.created", runtime, reports.unit_of_work)
def handler(event: Event, store: ReportingStore) -> None:
    reports.on_user_created(store, event)
