"""Builds the program service from a function's runtime (the real adapters)."""

from __future__ import annotations

from ..runtime import Runtime
from .service import ProgramService


def program_service(runtime: Runtime) -> ProgramService:
    """>>> service = program_service(function_runtime("postgres"))   # doctest: +SKIP"""
    return ProgramService(runtime.unit_of_work)
