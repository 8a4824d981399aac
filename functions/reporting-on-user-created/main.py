"""Subscriber on `user.created`: the reporting domain's copy of the user's time zone."""

from wellness.platform.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting.service import apply_timezone
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")


@subscriber("user.created", runtime, store="postgres")
def handler(event: Event, uow: UnitOfWork) -> None:
    apply_timezone(event, uow)
