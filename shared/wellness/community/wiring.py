"""Builds the community service from a function's runtime (the real adapters).

>>> community = community_service(function_runtime("firestore"))   # doctest: +SKIP
"""

from __future__ import annotations

from ..platform.runtime import Runtime
from .adapters import FirestoreCommunityStore
from .service import CommunityService


def community_service(runtime: Runtime) -> CommunityService:
    return CommunityService(runtime.firestore_unit_of_work(FirestoreCommunityStore))
