"""The signing keyset: verification rejects tampering, rotation keeps old tokens valid, the cache follows the secret."""

import datetime as dt
import threading

import jwt
import pytest

from wellness.auth.keys import SIGNING_KEYS_SECRET, Keyset, KeysetError, KeysetSource, new_keyset_json
from wellness.platform.secrets import SecretNotFound
from wellness_testing.fakes import FakeSecrets

pytestmark = pytest.mark.unit

KEYSET = Keyset.from_json(new_keyset_json())


def test_verification_rejects_tampering_and_other_keys() -> None:
    other = Keyset.from_json(new_keyset_json())
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {"sub": "u", "iss": "iss", "aud": "aud", "iat": now, "exp": now + 60}
    with pytest.raises(jwt.InvalidTokenError):
        KEYSET.verify(other.sign(claims), issuer="iss", audience="aud")
    with pytest.raises(jwt.InvalidTokenError):
        KEYSET.verify(KEYSET.sign(claims), issuer="iss", audience="other")
    unsigned = jwt.encode(claims, key=None, algorithm="none", headers={"kid": KEYSET.current.kid, "typ": "at+jwt"})  # type: ignore[arg-type]
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


def test_the_source_parses_once_per_secret_value_and_follows_a_rotation() -> None:
    first = new_keyset_json()
    secrets = FakeSecrets({SIGNING_KEYS_SECRET: first})
    keys = KeysetSource(secrets)
    parsed = keys.keyset()
    assert keys.keyset() is parsed and secrets.reads == 2  # read each time (the source caches), parsed once
    rotated = new_keyset_json(previous=first)
    secrets.set(SIGNING_KEYS_SECRET, rotated)
    assert keys.keyset().current.kid == Keyset.from_json(rotated).current.kid
    assert [k["kid"] for k in keys.jwks()["keys"]] == [k.kid for k in Keyset.from_json(rotated).keys]


def test_concurrent_first_uses_share_one_keyset() -> None:
    keys = KeysetSource(FakeSecrets({SIGNING_KEYS_SECRET: new_keyset_json()}))
    seen: list[Keyset] = []
    threads = [threading.Thread(target=lambda: seen.append(keys.keyset())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and len({id(k) for k in seen}) == 1


def test_a_missing_or_malformed_secret_raises() -> None:
    with pytest.raises(SecretNotFound, match=SIGNING_KEYS_SECRET):
        KeysetSource(FakeSecrets()).keyset()
    with pytest.raises(KeysetError):
        KeysetSource(FakeSecrets({SIGNING_KEYS_SECRET: '{"keys": []}'})).keyset()
