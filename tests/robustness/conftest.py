"""The robustness tier's fixtures: the e2e client on the local stack, and the users its controls share."""

from __future__ import annotations

from typing import Any

import pytest

from ..e2e.conftest import eventually
from ..security.raw_api import Api
from .controls import Actor, Context


@pytest.fixture(scope="session")
def api(local_stack: Any) -> Api:
    return Api(local_stack.gateway_url, local_stack.mail_dir)  # its users verify their addresses


@pytest.fixture(scope="session")
def shared_ctx(api: Api, local_stack: Any) -> Context:
    bootstrap = Context(api, local_stack, me=None, poster=None, post="")  # type: ignore[arg-type]
    me, poster = bootstrap.new_user("me"), bootstrap.new_user("poster")
    eventually(lambda: api.call("GET", "/v1/me/profile", me.token).status_code == 200, timeout=15)
    enrolled = api.call("POST", "/v1/programs/mindful-7/enrollments", me.token)
    assert enrolled.status_code == 201, enrolled.text
    return Context(api, local_stack, me=me, poster=poster, post=bootstrap.new_post(poster))


@pytest.fixture
def ctx(shared_ctx: Context) -> Context:
    """The session's context, its contributors made anew for each test: no access token outlives its 15 minutes."""
    shared_ctx.contributors.clear()
    return shared_ctx


@pytest.fixture(scope="session")
def follow_ups(local_stack: Any) -> int:
    """Valid requests after each hostile one: one per pooled connection, so a poisoned one is reached.

    SQLAlchemy's pool hands connections out oldest first, so the request right after a
    bad one may get a healthy connection; DB_POOL_SIZE requests reach every one.
    """
    return int(local_stack.env.get("DB_POOL_SIZE", "2"))


__all__ = ["Actor", "Api", "Context"]
