"""The mail-sending operations on fakes: password reset and verification resend, per address and per client.

A reset past its address's limit answers as any other (nothing raised) and records nothing,
whether or not the address is registered; past the client's limit it is a 429. A resend is
the account owner's own: both limits are a 429. Links kept per account are capped.
"""

import datetime as dt

import pytest

from wellness.auth.model import LINKS_KEPT_PER_USER, ThrottleRule
from wellness.platform.errors import TooManyRequestsError
from wellness_testing.clocks import ManualClock
from wellness_testing.fakes.auth import fake_auth_service, fake_password_reset_service, fake_verification_service

pytestmark = pytest.mark.unit

RESET_RULES = (ThrottleRule("reset-client", 5, 3600, 3600), ThrottleRule("reset-account", 2, 3600, 3600))
VERIFY_RULES = (ThrottleRule("verify-client", 5, 3600, 3600), ThrottleRule("verify-account", 2, 3600, 3600))


def test_resets_past_the_address_limit_are_answered_alike_and_record_nothing(uow, clock: ManualClock) -> None:
    auth = fake_auth_service(uow, clock=clock)[0]
    auth.sign_up(email="ada@example.com", password="correct horse battery", display_name="Ada", timezone="UTC")
    resets = fake_password_reset_service(uow, clock=clock, rules=RESET_RULES)[0]
    for address in ("ada@example.com", "nobody@example.com"):
        for i in range(4):
            resets.request(address, client=f"198.51.100.{i}")  # every one answered alike: nothing raised
    submitted = [event.data["email"] for event in uow.events("password.reset_submitted")]
    assert submitted == ["ada@example.com"] * 2 + ["nobody@example.com"] * 2  # two each, registered or not
    clock.now += dt.timedelta(seconds=3601)
    resets.request("ada@example.com", client="198.51.100.9")
    assert len(uow.events("password.reset_submitted")) == 5  # a new window


def test_resets_past_the_client_limit_are_429_and_spend_no_address(uow, clock: ManualClock) -> None:
    resets = fake_password_reset_service(uow, clock=clock, rules=RESET_RULES)[0]
    for i in range(5):
        resets.request(f"someone{i}@example.com", client="203.0.113.9")
    with pytest.raises(TooManyRequestsError) as refused:
        resets.request("ada@example.com", client="203.0.113.9")
    assert refused.value.code == "too_many_requests" and 0 < refused.value.retry_after_seconds <= 3600
    resets.request("ada@example.com", client="198.51.100.1")
    resets.request("ada@example.com", client="198.51.100.1")  # the refused one spent none of ada's two
    assert [e.data["email"] for e in uow.events("password.reset_submitted")][-2:] == ["ada@example.com"] * 2


def test_verification_resends_are_429_per_address_and_per_client(uow, clock: ManualClock) -> None:
    auth = fake_auth_service(uow, clock=clock)[0]
    ada = auth.sign_up(email="ada@example.com", password="correct horse battery", display_name="Ada", timezone="UTC")
    verifications = fake_verification_service(uow, clock=clock, rules=VERIFY_RULES)[0]
    verifications.resend(ada.user.id, client="198.51.100.1")
    verifications.resend(ada.user.id, client="198.51.100.2")
    with pytest.raises(TooManyRequestsError) as refused:
        verifications.resend(ada.user.id, client="198.51.100.3")
    assert refused.value.retry_after_seconds > 0
    assert len(uow.events("email.verification_requested")) == 3  # sign-up's and two resends
    for i in range(5):
        other = auth.sign_up(
            email=f"o{i}@example.com", password="correct horse battery", display_name="O", timezone="UTC"
        )
        verifications.resend(other.user.id, client="203.0.113.9")
    last = auth.sign_up(email="last@example.com", password="correct horse battery", display_name="L", timezone="UTC")
    with pytest.raises(TooManyRequestsError):
        verifications.resend(last.user.id, client="203.0.113.9")  # the client's sixth


def test_an_account_keeps_at_most_a_few_links_and_none_used_or_expired(uow, clock: ManualClock) -> None:
    auth = fake_auth_service(uow, clock=clock)[0]
    ada = auth.sign_up(email="ada@example.com", password="correct horse battery", display_name="Ada", timezone="UTC")
    verifications = fake_verification_service(uow, clock=clock)[0]  # not throttled: the cap is under test
    for _ in range(LINKS_KEPT_PER_USER + 4):
        verifications.resend(ada.user.id)
    newest = [e.data["verificationId"] for e in uow.events("email.verification_requested")][-LINKS_KEPT_PER_USER:]
    assert sorted(uow.state.verifications) == sorted(newest)
    clock.now += dt.timedelta(days=3)  # every link has expired
    verifications.resend(ada.user.id)
    assert len(uow.state.verifications) == 1
