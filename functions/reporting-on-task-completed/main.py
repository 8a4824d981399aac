"""Subscriber on `task.completed`: record the completed task for its local day (once)."""

from wellness.platform.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting.service import apply_task_completed
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")


@subscriber("task.completed", runtime, store="postgres")
def handler(event: Event, uow: UnitOfWork) -> None:
    apply_task_completed(event, uow)
