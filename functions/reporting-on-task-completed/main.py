"""Subscriber on `task.completed`: record the completed task for its local day (once)."""

from wellness.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting.service import apply_task_completed
from wellness.runtime import function_runtime
from wellness.subscriber import subscriber

runtime = function_runtime("postgres")


@subscriber("task.completed", runtime, store="postgres")
def handler(event: Event, uow: UnitOfWork) -> None:
    apply_task_completed(event, uow)
