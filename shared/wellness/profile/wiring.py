"""Builds the profile service from a function's runtime (the real adapters).

Usage::

    profiles = profile_service(function_runtime("firestore", "pubsub"))
"""

from __future__ import annotations

from ..platform.runtime import Runtime
from .adapters import FirestoreProfileStore
from .service import ProfileService


def profile_service(runtime: Runtime) -> ProfileService:
    return ProfileService(runtime.firestore_unit_of_work(FirestoreProfileStore))
