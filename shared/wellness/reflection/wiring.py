"""Builds the reflection service from a function's runtime (the real adapters).

Usage::

    reflections = reflection_service(function_runtime("firestore", "pubsub"))
"""

from __future__ import annotations

from ..platform.runtime import Runtime
from .adapters import FirestoreReflectionStore
from .service import ReflectionService


def reflection_service(runtime: Runtime) -> ReflectionService:
    return ReflectionService(runtime.firestore_unit_of_work(FirestoreReflectionStore))
