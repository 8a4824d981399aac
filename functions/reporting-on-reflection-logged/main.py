"""Subscriber on `reflection.logged`: record the reflection's mood for its local day (once)."""

from wellness.platform.events import Event
from wellness.postgres import UnitOfWork
from wellness.reporting.service import apply_reflection_logged
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber

runtime = function_runtime("postgres")


@subscriber("reflection.logged", runtime, store="postgres")
def handler(event: Event, uow: UnitOfWork) -> None:
    apply_reflection_logged(event, uow)
