"""Builds the program service from a function's runtime (the real adapters).

Usage::

    programs = program_service(function_runtime("postgres", "pubsub"))
"""

from __future__ import annotations

from ..platform.runtime import Runtime
from .adapters import PostgresProgramStore
from .service import ProgramService


def program_service(runtime: Runtime) -> ProgramService:
    return ProgramService(runtime.postgres_unit_of_work(PostgresProgramStore))
