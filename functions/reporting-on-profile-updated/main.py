"""Subscriber on `profile.updated`: the reporting domain's copy of the user's time zone (the newest wins)."""

from wellness.platform.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting.service import apply_timezone
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")


@subscriber("profile.updated", runtime, store="postgres")
def handler(event: Event, uow: UnitOfWork) -> None:
    apply_timezone(event, uow)
