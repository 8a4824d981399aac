"""Builds the reporting service from a function's runtime (the real adapters).

Usage::

    reports = reporting_service(function_runtime("postgres"))
"""

from __future__ import annotations

from ..platform.runtime import Runtime
from .adapters import PostgresReportingStore
from .service import ReportingService


def reporting_service(runtime: Runtime) -> ReportingService:
    return ReportingService(runtime.postgres_unit_of_work(PostgresReportingStore))
