"""Ids Firestore cannot hold, on the real emulator: reads find nothing, writes are a 404, never its error."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from wellness.platform.errors import NotFoundError
from wellness.platform.firestore.unit_of_work import FirestoreTransaction

pytestmark = pytest.mark.integration

# Documented as invalid (https://firebase.google.com/docs/firestore/quotas); the emulator refuses the first three.
REFUSED_BY_THE_EMULATOR = ["__x__", ".", ".."]
INVALID = [*REFUSED_BY_THE_EMULATOR, "____", "x" * 1501, "\u00e9" * 751]


@pytest.mark.parametrize("bad", REFUSED_BY_THE_EMULATOR)
def test_firestore_itself_refuses_these_ids(runtime_for: Any, bad: str) -> None:
    """Why the check exists: what the domains' reads hit before (a 500)."""
    from google.api_core.exceptions import InvalidArgument

    with pytest.raises(InvalidArgument):
        runtime_for("firestore").firestore.collection("posts").document(bad).get()


@pytest.mark.parametrize("bad", INVALID, ids=lambda v: v[:8])
def test_reads_find_nothing_and_writes_are_a_404(runtime_for: Any, bad: str) -> None:
    runtime = runtime_for("firestore")
    db = runtime.firestore
    unit_of_work = runtime.firestore_unit_of_work(FirestoreTransaction)
    real = db.collection("idChecks").document(uuid.uuid4().hex)
    real.set({"ok": True})
    refs = [db.collection("idChecks").document(bad), real.collection("children").document(bad)]

    def read(store: FirestoreTransaction) -> list[bool]:
        found = store.get_all([real, *refs])
        assert {s.reference.path for s in found} == {real.path, *(r.path for r in refs)}
        return [store.get(ref).exists for ref in refs] + [s.exists for s in found if s.reference.path != real.path]

    assert unit_of_work.read(read) == [False] * 4
    assert unit_of_work.run(read) == [False] * 4  # inside a transaction too
    for write in ("create", "set", "update", "delete"):
        with pytest.raises(NotFoundError):
            unit_of_work.run(lambda store, w=write: getattr(store, w)(refs[0], *([{"a": 1}] if w != "delete" else [])))
