"""The release smoke's verification path: a `smoke-key` token verifies a smoke address's link, and nothing else.

Every refusal is the same 400 `invalid_verification_token` as any bad link, and leaves the
account unverified and its link usable.
"""

from collections.abc import Callable

import pytest

from wellness.auth.reset_tokens import smoke_verification_token, verification_token
from wellness.auth.verification import EmailVerificationService
from wellness.platform.errors import ValidationError
from wellness_testing.clocks import ManualClock
from wellness_testing.fakes.auth import RESET_KEY, SMOKE_KEY, fake_auth_service, fake_verification_service

pytestmark = pytest.mark.unit

SMOKE_ADDRESS = "smoke-0a1b2c@smoke.wellness.invalid"


@pytest.fixture
def accounts(uow, clock: ManualClock):
    """Sign up an address; (the service that confirms links, a function giving (user id, verification id))."""
    auth = fake_auth_service(uow, clock=clock)[0]
    verifications, _ = fake_verification_service(uow, clock=clock)

    def sign_up(email: str) -> tuple[str, str]:
        user = auth.sign_up(email=email, password="correct horse battery", display_name="S", timezone="UTC").user
        (requested,) = [e for e in uow.events("email.verification_requested") if e.user_id == user.id]
        return user.id, requested.data["verificationId"]

    return verifications, sign_up


def verified(uow, user_id: str) -> bool:
    return bool(uow.state.users[user_id].email_verified)


def refused(verifications: EmailVerificationService, token: str) -> None:
    with pytest.raises(ValidationError) as caught:
        verifications.confirm(token)
    assert caught.value.code == "invalid_verification_token"


def test_a_smoke_key_token_verifies_a_smoke_address_once(accounts, uow) -> None:
    verifications, sign_up = accounts
    user_id, verification_id = sign_up(SMOKE_ADDRESS)
    token = smoke_verification_token(SMOKE_KEY, verification_id)
    verifications.confirm(token)
    assert verified(uow, user_id)
    refused(verifications, token)  # single use, as a mailed link


def test_the_same_token_for_an_ordinary_address_is_refused_and_changes_nothing(accounts, uow) -> None:
    verifications, sign_up = accounts
    user_id, verification_id = sign_up("ada@example.com")
    refused(verifications, smoke_verification_token(SMOKE_KEY, verification_id))
    assert not verified(uow, user_id)
    verifications.confirm(verification_token(RESET_KEY, verification_id))  # its own link still works
    assert verified(uow, user_id)


def test_a_lookalike_of_the_smoke_domain_is_an_ordinary_address(accounts, uow) -> None:
    verifications, sign_up = accounts
    user_id, verification_id = sign_up("ada@smoke.wellness.invalid.example.com")
    refused(verifications, smoke_verification_token(SMOKE_KEY, verification_id))
    assert not verified(uow, user_id)


@pytest.mark.parametrize(
    "forge",
    [
        lambda vid: smoke_verification_token(b"not the smoke key", vid),  # a wrong key
        lambda vid: smoke_verification_token(RESET_KEY, vid),  # the mail links' key, under the smoke rule
        lambda vid: "smoke." + verification_token(SMOKE_KEY, vid),  # the smoke key, under the mail links' rule
        lambda vid: verification_token(SMOKE_KEY, vid),  # the smoke key as if it were the links' key
        lambda vid: smoke_verification_token(SMOKE_KEY, vid)[:-2],  # a cut MAC
        lambda vid: "smoke." + vid,  # no MAC at all
    ],
)
def test_a_forged_smoke_token_is_refused_and_changes_nothing(accounts, uow, forge) -> None:
    verifications, sign_up = accounts
    user_id, verification_id = sign_up(SMOKE_ADDRESS)
    refused(verifications, forge(verification_id))
    assert not verified(uow, user_id)


def test_a_smoke_token_for_another_smoke_account_verifies_only_that_one(accounts, uow) -> None:
    """The token names a link, so it verifies that link's account: never the caller's, whoever calls."""
    verifications, sign_up = accounts
    first, _ = sign_up(SMOKE_ADDRESS)
    second, second_link = sign_up("smoke-3d4e5f@smoke.wellness.invalid")
    verifications.confirm(smoke_verification_token(SMOKE_KEY, second_link))
    assert (verified(uow, first), verified(uow, second)) == (False, True)


def test_an_expired_smoke_link_is_refused(accounts, uow, clock: ManualClock) -> None:
    verifications, sign_up = accounts
    user_id, verification_id = sign_up(SMOKE_ADDRESS)
    clock.advance(3 * 86400)  # past the 48-hour links
    refused(verifications, smoke_verification_token(SMOKE_KEY, verification_id))
    assert not verified(uow, user_id)


def test_without_a_smoke_key_no_smoke_token_is_taken_and_ordinary_links_never_read_it(uow, clock) -> None:
    auth = fake_auth_service(uow, clock=clock)[0]
    reads: list[str] = []

    def smoke_key() -> bytes:
        reads.append("smoke-key")
        return SMOKE_KEY

    def service(smoke: Callable[[], bytes] | None) -> EmailVerificationService:
        return EmailVerificationService(
            uow, key=lambda: RESET_KEY, ttl_seconds=3600, throttle_secret=lambda: b"t", smoke_key=smoke, clock=clock
        )

    user = auth.sign_up(email=SMOKE_ADDRESS, password="correct horse battery", display_name="S", timezone="UTC").user
    (requested,) = uow.events("email.verification_requested")
    link = requested.data["verificationId"]
    refused(service(None), smoke_verification_token(SMOKE_KEY, link))
    assert not verified(uow, user.id)
    refused(service(smoke_key), verification_token(b"wrong", link))
    assert reads == []  # an ordinary (bad) link never needs the smoke key
    service(smoke_key).confirm(verification_token(RESET_KEY, link))  # a smoke account's mailed link works too
    assert verified(uow, user.id)
