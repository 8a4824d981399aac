"""Login throttling, on fakes: per account (registered or not) and per client, then a lockout that ends.

The Postgres upsert behind it is checked in ../integration/test_adapters.py.
"""

import datetime as dt

import pytest

from wellness.auth.model import ThrottleRule, throttle_key
from wellness.auth.service import AuthService
from wellness.platform.errors import TooManyRequestsError, UnauthenticatedError
from wellness_testing.clocks import ManualClock
from wellness_testing.fakes.auth import fake_auth_service

pytestmark = pytest.mark.unit

PASSWORD = "correct horse battery"
RULES = (ThrottleRule("account", 3, 60, 120), ThrottleRule("client", 5, 60, 300))


@pytest.fixture
def service(clock: ManualClock) -> AuthService:
    return fake_auth_service(rules=RULES, clock=clock)[0]


def sign_up(service: AuthService, email: str = "ada@example.com"):
    return service.sign_up(email=email, password=PASSWORD, display_name="Ada", timezone="UTC")


def test_throttling_locks_an_account_whether_it_exists_or_not(service: AuthService, clock: ManualClock) -> None:
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


def test_throttling_failures_outside_the_window_start_a_new_count(service: AuthService, clock: ManualClock) -> None:
    sign_up(service)
    for _ in range(2):
        with pytest.raises(UnauthenticatedError):
            service.log_in(email="ada@example.com", password="wrong password")
    clock.now += dt.timedelta(seconds=61)
    with pytest.raises(UnauthenticatedError):
        service.log_in(email="ada@example.com", password="wrong password")  # the first of a new window
    assert service.log_in(email="ada@example.com", password=PASSWORD)


def test_throttle_keys_hold_no_address_and_depend_on_the_secret() -> None:
    import hashlib

    for kind, value in (("account", "ada@example.com"), ("client", "203.0.113.9")):
        key = throttle_key(b"secret", kind, value)
        assert key.startswith(f"{kind}:") and value not in key and len(key) <= 100  # the column's width
        assert hashlib.sha256(value.encode()).hexdigest()[:40] not in key  # keyed: no dictionary of addresses finds it
        assert throttle_key(b"another secret", kind, value) != key


def test_the_login_throttle_stores_neither_client_nor_e_mail_address(uow, clock: ManualClock) -> None:
    service = fake_auth_service(uow, rules=RULES, clock=clock)[0]
    with pytest.raises(UnauthenticatedError):
        service.log_in(email="ada@example.com", password="wrong password", client="203.0.113.9")
    stored = " ".join(uow.state.throttle)
    assert len(uow.state.throttle) == 2 and "203.0.113.9" not in stored and "ada" not in stored


def test_expired_throttle_rows_are_purged_by_the_next_attempt(uow, clock: ManualClock) -> None:
    """A row whose window and lock are over counts nothing: the next writer deletes it, so the table stays bounded."""
    service = fake_auth_service(uow, rules=RULES, clock=clock)[0]
    for i in range(3):
        with pytest.raises(UnauthenticatedError):
            service.log_in(email=f"guess{i}@example.com", password="wrong password", client=f"198.51.100.{i}")
    assert len(uow.state.throttle) == 6
    clock.now += dt.timedelta(seconds=61)  # the rules' window (60 s); no key was locked
    with pytest.raises(UnauthenticatedError):
        service.log_in(email="ada@example.com", password="wrong password", client="203.0.113.9")
    assert len(uow.state.throttle) == 2  # the six expired rows went; only this attempt's two remain


def test_a_locked_key_is_kept_until_its_lock_ends(uow, clock: ManualClock) -> None:
    service = fake_auth_service(uow, rules=RULES, clock=clock)[0]
    sign_up(service)
    for _ in range(3):
        with pytest.raises(UnauthenticatedError):
            service.log_in(email="ada@example.com", password="wrong password", client="c")
    clock.now += dt.timedelta(seconds=61)  # past the window, within the 120 s lock
    assert uow.run(lambda s: s.throttle.purge_expired(100)) == 1  # the client's row; the locked account stays
    with pytest.raises(TooManyRequestsError):
        service.log_in(email="ada@example.com", password=PASSWORD, client="other")


def test_an_attempt_past_the_limit_is_refused_before_its_password_is_checked(clock: ManualClock) -> None:
    """Attempts still running hold their reservations: the sixth of a burst is refused, not evaluated."""
    from wellness_testing.fakes.auth import fake_auth_unit_of_work

    uow = fake_auth_unit_of_work(clock)
    rule = ThrottleRule("account", 5, 60, 120)
    reservations = [uow.run(lambda s: s.throttle.reserve("account:k", rule)) for _ in range(6)]
    assert [r.allowed for r in reservations] == [True] * 5 + [False]
    assert 0 < reservations[-1].retry_after <= 60
