"""Builds the community service from a function's runtime (the real adapters), and the acting member.

Usage::

    community = community_service(function_runtime("firestore"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..platform.config import env_int
from ..platform.runtime import Runtime
from .adapters import FirestoreCommunityStore
from .model import Member
from .service import DEFAULT_MIN_REPORTER_AGE_SECONDS, CommunityService

if TYPE_CHECKING:
    from ..platform.http import ApiRequest


def community_service(runtime: Runtime) -> CommunityService:
    """COMMUNITY_REPORT_MIN_ACCOUNT_AGE_SECONDS: how old an account must be for its reports to count toward hiding."""
    min_age = env_int(runtime.env, "COMMUNITY_REPORT_MIN_ACCOUNT_AGE_SECONDS", DEFAULT_MIN_REPORTER_AGE_SECONDS)
    return CommunityService(runtime.firestore_unit_of_work(FirestoreCommunityStore), min_reporter_age_seconds=min_age)


def member(request: ApiRequest) -> Member:
    """The caller as the access token describes them (verified address, account age)."""
    if request.caller is None:
        raise RuntimeError("a protected operation has a caller")
    return Member.from_claims(request.caller.claims)
