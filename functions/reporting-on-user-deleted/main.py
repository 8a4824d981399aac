"""Subscriber on `user.deleted`: erase the user's report data, and drop late events."""

from wellness.platform.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting.service import apply_user_deleted
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")


@subscriber("user.deleted", runtime, store="postgres")
def handler(event: Event, uow: UnitOfWork) -> None:
    apply_user_deleted(event, uow)
