"""reflection-delete removes the owner's reflection; anyone else gets 404 and changes nothing."""

import uuid

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional


def test_only_the_owner_deletes(load_function, firestore_db) -> None:
    client = load_function("reflection-delete")
    me = str(uuid.uuid4())
    ref = firestore_db.document(f"users/{me}/reflections/r1")
    ref.set({"id": "r1", "userId": me})
    assert (
        client.delete("/v1/me/reflections/r1", headers=userinfo_header({"sub": str(uuid.uuid4())})).status_code == 404
    )
    assert ref.get().exists
    assert client.delete("/v1/me/reflections/r1", headers=userinfo_header({"sub": me})).status_code == 204
    assert not ref.get().exists
    assert client.delete("/v1/me/reflections/r1", headers=userinfo_header({"sub": me})).status_code == 404
