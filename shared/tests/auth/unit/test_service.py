"""AuthService on fakes: sign-up, log-in, refresh rotation and reuse, log-out, deletion (real argon2id, RS256)."""

import datetime as dt

import pytest

from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.passwords import PasswordHasher
from wellness.auth.service import AuthService
from wellness.auth.tokens import hash_refresh_token
from wellness.platform.errors import ConflictError, UnauthenticatedError, ValidationError
from wellness_testing.clocks import ManualClock
from wellness_testing.fakes.auth import fake_auth_service

pytestmark = pytest.mark.unit

KEYSET = Keyset.from_json(new_keyset_json())
PASSWORD = "correct horse battery"


@pytest.fixture
def service(uow, clock: ManualClock) -> AuthService:
    return fake_auth_service(uow, keyset=KEYSET, clock=clock)[0]


def sign_up(service: AuthService, email: str = "Ada@Example.com "):
    return service.sign_up(email=email, password=PASSWORD, display_name=" Ada ", timezone="Europe/Paris")


def test_sign_up_commits_user_refresh_token_and_event_together(service: AuthService, uow) -> None:
    session = sign_up(service)
    (user,) = uow.state.users.values()
    assert (user.email, user.display_name) == ("ada@example.com", "Ada")
    assert user.password_hash.startswith("$argon2id$")
    assert list(uow.state.sessions) == [hash_refresh_token(session.refresh_token)]
    event, verification = uow.published
    assert (event.type, event.user_id, event.data["email"]) == ("user.created", user.id, "ada@example.com")
    assert (verification.type, verification.data["verificationId"]) == (
        "email.verification_requested",
        next(iter(uow.state.verifications)),
    )
    claims = KEYSET.verify(session.access_token, issuer="iss", audience="aud")
    assert claims["sub"] == user.id
    assert claims["email_verified"] is False and claims["acct_created"] <= claims["iat"]
    assert claims["exp"] - claims["iat"] == 600
    assert session.to_json()["tokenType"] == "Bearer"


def test_duplicate_email_is_409_and_writes_nothing(service: AuthService, uow) -> None:
    sign_up(service)
    with pytest.raises(ConflictError):
        sign_up(service, email="ADA@example.com")
    assert len(uow.state.users) == 1 and len(uow.state.sessions) == 1 and len(uow.published) == 2


def test_unknown_timezone_is_400(service: AuthService, uow) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        service.sign_up(email="a@b.co", password="x" * 12, display_name="A", timezone="Mars/Olympus")
    assert not uow.state.users


def test_log_in_with_right_password_any_case(service: AuthService) -> None:
    signed_up = sign_up(service)
    session = service.log_in(email="ADA@example.com", password=PASSWORD)
    assert session.user.id == signed_up.user.id
    assert session.refresh_token != signed_up.refresh_token


@pytest.mark.parametrize(("email", "password"), [("ada@example.com", "wrong password"), ("nobody@example.com", "x")])
def test_log_in_failure_is_the_same_401_whether_or_not_the_account_exists(
    service: AuthService, email: str, password: str
) -> None:
    sign_up(service)
    with pytest.raises(UnauthenticatedError) as caught:
        service.log_in(email=email, password=password)
    assert (caught.value.code, caught.value.message) == ("invalid_credentials", "Wrong e-mail address or password.")


def test_weaker_hash_is_upgraded_on_login(uow) -> None:
    weaker, _ = fake_auth_service(uow, keyset=KEYSET)
    weaker.sign_up(email="a@b.co", password="x" * 12, display_name="A", timezone="UTC")
    stronger, _ = fake_auth_service(uow, keyset=KEYSET, hasher=PasswordHasher(time_cost=2, memory_cost=2048))
    stronger.log_in(email="a@b.co", password="x" * 12)
    (user,) = uow.state.users.values()
    assert "m=2048,t=2" in user.password_hash


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


def test_expired_and_unknown_refresh_tokens_are_refused(service: AuthService, clock: ManualClock) -> None:
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


def test_delete_account_publishes_user_deleted_once(service: AuthService, uow) -> None:
    session = sign_up(service)
    service.delete_account(session.user.id)
    service.delete_account(session.user.id)
    assert [e.type for e in uow.published] == ["user.created", "email.verification_requested", "user.deleted"]
    with pytest.raises(UnauthenticatedError):
        service.refresh(session.refresh_token)
    with pytest.raises(UnauthenticatedError):
        service.log_in(email="ada@example.com", password=PASSWORD)


def test_deleting_an_account_records_its_tokens_as_dead_in_both_stores_before_answering() -> None:
    import jwt

    from wellness_testing.fakes.auth import FakeRevocations

    mirror = FakeRevocations()
    service, uow = fake_auth_service(mirror=mirror)
    session = service.sign_up(email="ada@example.com", password=PASSWORD, display_name="Ada", timezone="UTC")
    service.delete_account(session.user.id)
    claims = jwt.decode(session.access_token, options={"verify_signature": False})
    from wellness.platform.revocation import revocation_keys

    dead = revocation_keys(claims)[0]
    assert dead in mirror.records and dead in uow.state.revoked
    service.delete_account(session.user.id)  # again: nothing more to erase, the record stays
    assert [e.type for e in uow.published].count("user.deleted") == 1


def test_logging_out_and_resetting_the_password_end_those_sessions_everywhere() -> None:
    import jwt

    from wellness.auth.reset_tokens import reset_token
    from wellness.platform.revocation import session_key
    from wellness_testing.fakes.auth import RESET_KEY, FakeRevocations, fake_password_reset_service

    mirror = FakeRevocations()
    service, uow = fake_auth_service(mirror=mirror)
    first = service.sign_up(email="ada@example.com", password=PASSWORD, display_name="Ada", timezone="UTC")
    second = service.log_in(email="ada@example.com", password=PASSWORD)
    sid = lambda s: jwt.decode(s.access_token, options={"verify_signature": False})["sid"]  # noqa: E731
    service.log_out(sid(first))
    assert set(mirror.records) == set(uow.state.revoked) == {session_key(sid(first))}
    resets, _ = fake_password_reset_service(uow, mirror=mirror)
    resets.request("ada@example.com")
    uow.run(lambda store: resets.on_reset_submitted(store, uow.events("password.reset_submitted")[0]))
    reset_id = uow.events("password.reset_requested")[0].data["resetId"]
    resets.confirm(reset_token(RESET_KEY, reset_id), "a brand new password")
    assert session_key(sid(second)) in mirror.records and session_key(sid(second)) in uow.state.revoked


def test_sign_ups_are_throttled_per_address_and_per_client() -> None:
    from wellness.auth.model import ThrottleRule
    from wellness.platform.errors import TooManyRequestsError

    rules = (ThrottleRule("signup-account", 2, 3600, 3600), ThrottleRule("signup-client", 3, 3600, 3600))
    service, uow = fake_auth_service(signup_rules=rules)
    signup = lambda email, client: service.sign_up(  # noqa: E731
        email=email, password=PASSWORD, display_name="Ada", timezone="UTC", client=client
    )
    signup("ada@example.com", "203.0.113.1")
    with pytest.raises(ConflictError):
        signup("ada@example.com", "203.0.113.2")  # taken, and counted
    with pytest.raises(TooManyRequestsError) as by_address:
        signup("ada@example.com", "203.0.113.3")
    assert by_address.value.code == "too_many_signups"
    signup("bea@example.com", "198.51.100.7")
    signup("cy@example.com", "198.51.100.7")
    signup("di@example.com", "198.51.100.7")
    with pytest.raises(TooManyRequestsError):
        signup("ed@example.com", "198.51.100.7")
    assert len(uow.state.users) == 4


def test_a_verified_account_gets_email_verified_tokens_from_its_next_refresh() -> None:
    from wellness.auth.reset_tokens import verification_token
    from wellness_testing.fakes.auth import RESET_KEY, fake_verification_service

    service, uow = fake_auth_service()
    session = sign_up(service)
    verifications, _ = fake_verification_service(uow)
    (requested,) = uow.events("email.verification_requested")
    token = verification_token(RESET_KEY, requested.data["verificationId"])
    with pytest.raises(ValidationError):
        verifications.confirm(token.replace(".", ".x"))
    verifications.confirm(token)
    with pytest.raises(ValidationError):
        verifications.confirm(token)  # single use
    refreshed = service.refresh(session.refresh_token)
    import jwt

    claims = jwt.decode(refreshed.access_token, options={"verify_signature": False})
    assert claims["email_verified"] is True
    with pytest.raises(ConflictError):
        verifications.resend(session.user.id)


def test_reusing_a_rotated_token_ends_the_session_in_both_stores_before_answering() -> None:
    """As log-out does: `session:<sid>` is recorded in the auth transaction and mirrored, so its access tokens stop."""
    import jwt

    from wellness.platform.revocation import session_key
    from wellness_testing.fakes.auth import FakeRevocations

    mirror = FakeRevocations()
    service, uow = fake_auth_service(mirror=mirror)
    first = service.sign_up(
        email="ada@example.com", password="correct horse battery", display_name="Ada", timezone="UTC"
    )
    sid = jwt.decode(first.access_token, options={"verify_signature": False})["sid"]
    service.refresh(first.refresh_token)
    assert mirror.records == {} and uow.state.revoked == {}  # a rotation ends nothing
    with pytest.raises(UnauthenticatedError):
        service.refresh(first.refresh_token)
    assert set(mirror.records) == set(uow.state.revoked) == {session_key(sid)}


def test_a_smoke_address_signs_up_in_the_smoke_lane_and_its_tokens_say_so(service: AuthService, uow) -> None:
    session = sign_up(service, email="smoke-1@SMOKE.wellness.invalid")
    assert [e.smoke for e in uow.published] == [True, True]  # user.created, email.verification_requested
    assert KEYSET.verify(session.access_token, issuer="iss", audience="aud")["smoke"] is True
    again = service.log_in(email="smoke-1@smoke.wellness.invalid", password=PASSWORD)
    assert KEYSET.verify(again.access_token, issuer="iss", audience="aud")["smoke"] is True


def test_an_ordinary_address_is_not_in_the_smoke_lane(service: AuthService, uow) -> None:
    session = sign_up(service, email="ada@smoke.wellness.invalid.example.com")
    assert [e.smoke for e in uow.published] == [False, False]
    assert "smoke" not in KEYSET.verify(session.access_token, issuer="iss", audience="aud")
