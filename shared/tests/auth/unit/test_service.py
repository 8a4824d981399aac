"""Sign-up and log-in rules, on the in-memory unit of work (real argon2id, real RS256)."""

import datetime as dt

import jwt
import pytest

from wellness.auth.fake_store import FakeAuthUnitOfWork
from wellness.auth.keys import Keyset, new_keyset_json
from wellness.auth.passwords import PasswordHasher
from wellness.auth.service import AuthService
from wellness.auth.tokens import TokenIssuer, hash_refresh_token
from wellness.platform.errors import ConflictError, UnauthenticatedError, ValidationError

pytestmark = pytest.mark.unit

KEYSET = Keyset.from_json(new_keyset_json())
FAST = PasswordHasher(time_cost=1, memory_cost=1024)  # the rules are under test here, not the cost


@pytest.fixture
def uow() -> FakeAuthUnitOfWork:
    return FakeAuthUnitOfWork()


@pytest.fixture
def service(uow: FakeAuthUnitOfWork) -> AuthService:
    issuer = TokenIssuer(KEYSET, issuer="iss", audience="aud", ttl_seconds=600)
    return AuthService(unit_of_work=lambda: uow, hasher=FAST, tokens=lambda: issuer)


def sign_up(service: AuthService, email: str = "Ada@Example.com ") -> object:
    return service.sign_up(email=email, password="correct horse battery", display_name=" Ada ", timezone="Europe/Paris")


def test_sign_up_commits_user_refresh_token_and_event_together(service: AuthService, uow: FakeAuthUnitOfWork) -> None:
    session = sign_up(service)
    (user,) = uow.committed_users.values()
    assert (user.email, user.display_name) == ("ada@example.com", "Ada")
    assert user.password_hash.startswith("$argon2id$")
    (token,) = uow.committed_tokens
    assert token.token_hash == hash_refresh_token(session.refresh_token)
    (event,) = uow.committed_events
    assert (event.type, event.user_id, event.data["email"]) == ("user.created", user.id, "ada@example.com")
    claims = KEYSET.verify(session.access_token, issuer="iss", audience="aud")
    assert claims["sub"] == user.id
    assert claims["exp"] - claims["iat"] == 600
    assert session.to_json()["tokenType"] == "Bearer"


def test_duplicate_email_is_409_and_writes_nothing(service: AuthService, uow: FakeAuthUnitOfWork) -> None:
    sign_up(service)
    with pytest.raises(ConflictError):
        sign_up(service, email="ADA@example.com")
    assert len(uow.committed_users) == 1 and len(uow.committed_events) == 1


def test_unknown_timezone_is_400(service: AuthService, uow: FakeAuthUnitOfWork) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        service.sign_up(email="a@b.co", password="x" * 12, display_name="A", timezone="Mars/Olympus")
    assert not uow.committed_users


def test_log_in_with_right_password_any_case(service: AuthService) -> None:
    signed_up = sign_up(service)
    session = service.log_in(email="ADA@example.com", password="correct horse battery")
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


def test_weaker_hash_is_upgraded_on_login(uow: FakeAuthUnitOfWork) -> None:
    issuer = TokenIssuer(KEYSET, issuer="iss", audience="aud", ttl_seconds=600)
    AuthService(unit_of_work=lambda: uow, hasher=FAST, tokens=lambda: issuer).sign_up(
        email="a@b.co", password="x" * 12, display_name="A", timezone="UTC"
    )
    stronger = PasswordHasher(time_cost=2, memory_cost=2048)
    AuthService(unit_of_work=lambda: uow, hasher=stronger, tokens=lambda: issuer).log_in(
        email="a@b.co", password="x" * 12
    )
    (user,) = uow.committed_users.values()
    assert "m=2048,t=2" in user.password_hash


def test_verification_rejects_tampering_and_other_keys() -> None:
    other = Keyset.from_json(new_keyset_json())
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {"sub": "u", "iss": "iss", "aud": "aud", "iat": now, "exp": now + 60}
    with pytest.raises(jwt.InvalidTokenError):
        KEYSET.verify(other.sign(claims), issuer="iss", audience="aud")
    with pytest.raises(jwt.InvalidTokenError):
        KEYSET.verify(KEYSET.sign(claims), issuer="iss", audience="other")
    unsigned = jwt.encode(claims, key=None, algorithm="none", headers={"kid": KEYSET.current.kid, "typ": "at+jwt"})
    with pytest.raises(jwt.InvalidTokenError):
        KEYSET.verify(unsigned, issuer="iss", audience="aud")


def test_rotation_keeps_old_tokens_valid() -> None:
    old_json = new_keyset_json()
    old = Keyset.from_json(old_json)
    rotated = Keyset.from_json(new_keyset_json(previous=old_json))
    now = int(dt.datetime.now(dt.UTC).timestamp())
    token = old.sign({"sub": "u", "iss": "i", "aud": "a", "iat": now, "exp": now + 60})
    assert rotated.verify(token, issuer="i", audience="a")["sub"] == "u"
    assert rotated.current.kid != old.current.kid
    assert [k["kid"] for k in rotated.jwks()["keys"]] == [rotated.current.kid, old.current.kid]
    assert all("d" not in k for k in rotated.jwks()["keys"])  # public halves only
