"""Builds the reporting service from a function's runtime (the real adapters)."""

from __future__ import annotations

from ..runtime import Runtime
from .service import ReportingService


def reporting_service(runtime: Runtime) -> ReportingService:
    """>>> service = reporting_service(function_runtime("postgres"))   # doctest: +SKIP"""
    return ReportingService(runtime.unit_of_work)
