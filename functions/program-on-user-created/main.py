"""Subscriber on `user.created`: the program domain's copy of the user's time zone."""

from wellness.platform.events import Event
from wellness.platform.runtime import function_runtime
from wellness.platform.subscriber import subscriber
from wellness.program.ports import ProgramStore
from wellness.program.wiring import program_service

runtime = function_runtime("postgres")
programs = program_service(runtime)


@subscriber("user.created", runtime, programs.unit_of_work)
def handler(event: Event, store: ProgramStore) -> None:
    programs.on_timezone(store, event)
