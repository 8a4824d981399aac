"""Refresh rotation and reuse, logout, account deletion, login throttling, password reset: the rules, on fakes."""

import datetime as dt

import pytest

from wellness.auth.fake_store import FakeAuthUnitOfWork
from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.model import ThrottleRule
from wellness.auth.passwords import PasswordHasher
from wellness.auth.reset_tokens import reset_token
from wellness.auth.resets import PasswordResetService
from wellness.auth.service import AuthService
from wellness.auth.tokens import TokenIssuer
from wellness.platform.errors import TooManyRequestsError, UnauthenticatedError, ValidationError

pytestmark = pytest.mark.unit

KEYSET = Keyset.from_json(new_keyset_json())
FAST = PasswordHasher(time_cost=1, memory_cost=1024)
KEY = b"reset-key"
PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def uow(clock: Clock) -> FakeAuthUnitOfWork:
    return FakeAuthUnitOfWork(clock)


@pytest.fixture
def service(uow: FakeAuthUnitOfWork, clock: Clock) -> AuthService:
    issuer = TokenIssuer(KEYSET, issuer="iss", audience="aud", ttl_seconds=600, clock=clock)
    rules = (ThrottleRule("account", 3, 60, 120), ThrottleRule("client", 5, 60, 300))
    return AuthService(unit_of_work=lambda: uow, hasher=FAST, tokens=lambda: issuer, rules=rules, clock=clock)


@pytest.fixture
def resets(uow: FakeAuthUnitOfWork, clock: Clock) -> PasswordResetService:
    return PasswordResetService(unit_of_work=lambda: uow, hasher=FAST, key=lambda: KEY, ttl_seconds=3600, clock=clock)


def sign_up(service: AuthService, email: str = "ada@example.com"):
    return service.sign_up(email=email, password=PASSWORD, display_name="Ada", timezone="UTC")


def test_refresh_rotates_and_keeps_the_session(service: AuthService) -> None:
    first = sign_up(service)
    second = service.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    sid = KEYSET.verify(first.access_token, issuer="iss", audience="aud")["sid"]
    assert KEYSET.verify(second.access_token, issuer="iss", audience="aud")["sid"] == sid
    assert service.refresh(second.refresh_token).user.id == first.user.id


def test_reusing_a_rotated_token_revokes_the_whole_family(service: AuthService) -> None:
    first = sign_up(service)
    second = service.refresh(first.refresh_token)
    with pytest.raises(UnauthenticatedError):
        service.refresh(first.refresh_token)  # the thief, or a replay
    with pytest.raises(UnauthenticatedError):
        service.refresh(second.refresh_token)  # the family is gone: the owner logs in again


def test_other_sessions_survive_a_reuse(service: AuthService) -> None:
    first = sign_up(service)
    other = service.log_in(email="ada@example.com", password=PASSWORD)
    service.refresh(first.refresh_token)
    with pytest.raises(UnauthenticatedError):
        service.refresh(first.refresh_token)
    assert service.refresh(other.refresh_token)


def test_expired_and_unknown_refresh_tokens_are_refused(service: AuthService, clock: Clock) -> None:
    session = sign_up(service)
    with pytest.raises(UnauthenticatedError):
        service.refresh("not-a-token")
    clock.now += dt.timedelta(days=31)
    with pytest.raises(UnauthenticatedError):
        service.refresh(session.refresh_token)


def test_logout_revokes_the_session_family(service: AuthService) -> None:
    session = sign_up(service)
    service.log_out(KEYSET.verify(session.access_token, issuer="iss", audience="aud")["sid"])
    with pytest.raises(UnauthenticatedError):
        service.refresh(session.refresh_token)


def test_delete_account_publishes_user_deleted_once(service: AuthService, uow: FakeAuthUnitOfWork) -> None:
    session = sign_up(service)
    service.delete_account(session.user.id)
    service.delete_account(session.user.id)
    assert [e.type for e in uow.committed_events] == ["user.created", "user.deleted"]
    with pytest.raises(UnauthenticatedError):
        service.refresh(session.refresh_token)
    with pytest.raises(UnauthenticatedError):
        service.log_in(email="ada@example.com", password=PASSWORD)


def test_throttling_locks_an_account_whether_it_exists_or_not(service: AuthService, clock: Clock) -> None:
    sign_up(service)
    for email in ("ada@example.com", "nobody@example.com"):
        for _ in range(3):
            with pytest.raises(UnauthenticatedError):
                service.log_in(email=email, password="wrong password", client=f"c-{email}")
        with pytest.raises(TooManyRequestsError) as locked:
            service.log_in(email=email, password=PASSWORD, client="elsewhere")
        assert locked.value.retry_after_seconds == 120
    clock.now += dt.timedelta(seconds=121)
    assert service.log_in(email="ada@example.com", password=PASSWORD)


def test_throttling_locks_a_client_across_accounts(service: AuthService) -> None:
    sign_up(service)
    for i in range(5):
        with pytest.raises(UnauthenticatedError):
            service.log_in(email=f"guess{i}@example.com", password="wrong password", client="203.0.113.9")
    with pytest.raises(TooManyRequestsError):
        service.log_in(email="ada@example.com", password=PASSWORD, client="203.0.113.9")
    assert service.log_in(email="ada@example.com", password=PASSWORD, client="198.51.100.1")


def test_password_reset_is_single_use_and_ends_every_session(
    service: AuthService, resets: PasswordResetService, uow: FakeAuthUnitOfWork
) -> None:
    session = sign_up(service)
    resets.request("ADA@example.com")
    resets.request("nobody@example.com")  # no error, no event
    event = uow.committed_events[-1]
    assert event.type == "password.reset_requested" and "token" not in str(event.data)
    token = reset_token(KEY, event.data["resetId"])
    resets.confirm(token, "a brand new password")
    with pytest.raises(ValidationError, match="invalid or has expired"):
        resets.confirm(token, "yet another password")
    with pytest.raises(UnauthenticatedError):
        service.refresh(session.refresh_token)
    assert service.log_in(email="ada@example.com", password="a brand new password")


def test_password_reset_expires_and_needs_the_right_key(
    service: AuthService, resets: PasswordResetService, uow: FakeAuthUnitOfWork, clock: Clock
) -> None:
    sign_up(service)
    resets.request("ada@example.com")
    reset_id = uow.committed_events[-1].data["resetId"]
    with pytest.raises(ValidationError):
        resets.confirm(reset_token(b"another key", reset_id), "a brand new password")
    clock.now += dt.timedelta(seconds=3601)
    with pytest.raises(ValidationError):
        resets.confirm(reset_token(KEY, reset_id), "a brand new password")
