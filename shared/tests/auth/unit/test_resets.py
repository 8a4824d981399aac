"""PasswordResetService on fakes: a single-use, expiring reset that ends every session."""

import datetime as dt

import pytest

from wellness.auth.reset_tokens import reset_token
from wellness.auth.resets import PasswordResetService
from wellness.auth.service import AuthService
from wellness.platform.errors import UnauthenticatedError, ValidationError
from wellness_testing.clocks import ManualClock
from wellness_testing.fakes.auth import fake_auth_service, fake_password_reset_service

pytestmark = pytest.mark.unit

KEY = b"reset-key"
PASSWORD = "correct horse battery"


@pytest.fixture
def service(uow, clock: ManualClock) -> AuthService:
    return fake_auth_service(uow, clock=clock)[0]


@pytest.fixture
def resets(uow, clock: ManualClock) -> PasswordResetService:
    return fake_password_reset_service(uow, key=KEY, ttl_seconds=3600, clock=clock)[0]


def sign_up(service: AuthService, email: str = "ada@example.com"):
    return service.sign_up(email=email, password=PASSWORD, display_name="Ada", timezone="UTC")


def request(resets: PasswordResetService, uow, email: str) -> None:
    """The form's answer, then the subscriber's work on its event (after the answer, in the real thing)."""
    resets.request(email)
    submitted = uow.events("password.reset_submitted")[-1]
    uow.run(lambda store: resets.on_reset_submitted(store, submitted))


def test_the_answer_does_the_same_work_whether_the_address_is_registered_or_not(
    service: AuthService, resets: PasswordResetService, uow
) -> None:
    sign_up(service)
    before = uow.commits
    resets.request("ada@example.com")
    resets.request("nobody@example.com")
    submitted = uow.events("password.reset_submitted")
    assert uow.commits - before == 2 and [e.data for e in submitted] == [
        {"email": "ada@example.com"},
        {"email": "nobody@example.com"},
    ]
    assert uow.events("password.reset_requested") == []  # decided later, by the subscriber


def test_password_reset_is_single_use_and_ends_every_session(
    service: AuthService, resets: PasswordResetService, uow
) -> None:
    session = sign_up(service)
    request(resets, uow, "ADA@example.com")
    request(resets, uow, "nobody@example.com")  # no error, no reset
    (event,) = uow.events("password.reset_requested")
    assert "token" not in str(event.data)
    assert set(event.data) == {"resetId", "userId", "email", "displayName", "expiresAt"}
    token = reset_token(KEY, event.data["resetId"])
    resets.confirm(token, "a brand new password")
    with pytest.raises(ValidationError, match="invalid or has expired"):
        resets.confirm(token, "yet another password")
    with pytest.raises(UnauthenticatedError):
        service.refresh(session.refresh_token)
    assert service.log_in(email="ada@example.com", password="a brand new password")


def test_password_reset_expires_and_needs_the_right_key(
    service: AuthService, resets: PasswordResetService, uow, clock: ManualClock
) -> None:
    sign_up(service)
    request(resets, uow, "ada@example.com")
    reset_id = uow.published[-1].data["resetId"]
    with pytest.raises(ValidationError):
        resets.confirm(reset_token(b"another key", reset_id), "a brand new password")
    clock.now += dt.timedelta(seconds=3601)
    with pytest.raises(ValidationError):
        resets.confirm(reset_token(KEY, reset_id), "a brand new password")
