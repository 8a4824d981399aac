"""The security suite's fixtures: the e2e client on the local stack, and users to attack each other with."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ..e2e.conftest import eventually
from .raw_api import Api
from .registry import User

__all__ = ["Api", "eventually", "new_user"]


@pytest.fixture(scope="session")
def api(local_stack: Any) -> Api:
    return Api(local_stack.gateway_url, local_stack.mail_dir)


def new_user(api: Api, label: str) -> User:
    """A fresh, verified account with a display name unique enough to search answers for."""
    name = f"{label}-{uuid.uuid4().hex[:8]}"
    session = api.sign_up(displayName=name)
    return User(session["user"]["id"], session["user"]["email"], session["accessToken"], name)
