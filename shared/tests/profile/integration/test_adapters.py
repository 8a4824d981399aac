"""The profile adapters on the Firestore emulator: what other domains read, and read-only stores."""

import uuid
from typing import Any

import pytest

from wellness.profile import public
from wellness.profile.adapters import FirestoreProfileStore
from wellness.profile.model import Profile

pytestmark = pytest.mark.integration


def test_other_domains_read_profiles_through_the_public_module(runtime_for: Any) -> None:
    # The store's own reads and writes are the contract suite's (../ports); this is what other domains see.
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    uow = runtime.firestore_unit_of_work(FirestoreProfileStore)
    ada, ghost = str(uuid.uuid4()), str(uuid.uuid4())
    profile = Profile.new(ada, "Ada", "Europe/Paris", at="2026-01-01T00:00:00.000000Z")
    uow.run(lambda store: store.profiles.add(profile.patched({"bio": "Runner"}, at="2026-01-02T00:00:00.000000Z")))
    assert uow.read(lambda store: public.public_profiles(store, [ada, ghost, ada])) == {
        ada: {"userId": ada, "displayName": "Ada", "bio": "Runner"}
    }
    assert uow.run(lambda store: (public.timezone_of(store, ada), public.timezone_of(store, ghost))) == (
        "Europe/Paris",
        "UTC",
    )


def test_a_read_only_store_refuses_writes(runtime_for: Any) -> None:
    runtime = runtime_for("firestore")
    uow = runtime.firestore_unit_of_work(FirestoreProfileStore)
    profile = Profile.new(str(uuid.uuid4()), "Ada", "UTC", at="2026-01-01T00:00:00.000000Z")
    with pytest.raises(RuntimeError, match="read-only"):
        uow.read(lambda store: store.profiles.save(profile))
