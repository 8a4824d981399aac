"""Reflections and community on the real emulator: stable paging, exact counters, complete erasure."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from wellness.community import erase, interactions, posts
from wellness.reflection import store as reflections

pytestmark = pytest.mark.integration


def test_reflection_paging_is_stable_under_concurrent_inserts(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, user_id = runtime.firestore, str(uuid.uuid4())

    def log(n: int) -> dict[str, Any]:
        return runtime.firestore_transaction(
            lambda tx, outbox: reflections.create(db, tx, outbox, user_id, {"mood": 1 + n % 5, "text": f"r{n}"})
        )

    before = [log(n)["id"] for n in range(7)]
    seen: list[str] = []
    page = reflections.list_page(db, user_id, limit=3)
    inserts = [threading.Thread(target=log, args=(100 + n,)) for n in range(4)]
    for t in inserts:
        t.start()
    while True:
        seen += [r["id"] for r in page["items"]]
        if not page["nextCursor"]:
            break
        page = reflections.list_page(db, user_id, limit=3, cursor=page["nextCursor"])
    for t in inserts:
        t.join()
    older = [i for i in seen if i in before]
    assert older == list(reversed(before))  # every earlier one once, newest first, whatever was added meanwhile
    assert len(seen) == len(set(seen))


def test_reflection_date_range_and_owner_only(runtime_for: Any) -> None:
    runtime = runtime_for("firestore", PUBLISH_AFTER_COMMIT="false")
    db, user_id = runtime.firestore, str(uuid.uuid4())
    made = runtime.firestore_transaction(
        lambda tx, outbox: reflections.create(db, tx, outbox, user_id, {"mood": 5, "text": "x"})
    )
    day = made["date"]
    assert [r["id"] for r in reflections.list_page(db, user_id, limit=5, date_from=day, date_to=day)["items"]] == [
        made["id"]
    ]
    assert reflections.list_page(db, user_id, limit=5, date_from="2999-01-01")["items"] == []
    with pytest.raises(Exception, match="no such reflection"):
        reflections.get(db, str(uuid.uuid4()), made["id"])


def test_reaction_count_stays_exact_under_concurrent_toggles(runtime_for: Any) -> None:
    runtime = runtime_for("firestore")
    db = runtime.firestore
    author = str(uuid.uuid4())
    post = runtime.firestore_transaction(lambda tx, _: posts.create_post(db, tx, author, {"text": "hello"}))
    users = [str(uuid.uuid4()) for _ in range(4)]

    def toggle(user: str) -> None:
        for on in (True, True, False, True):  # ends reacted
            runtime.firestore_transaction(lambda tx, _, on=on: interactions.set_reaction(db, tx, user, post["id"], on))

    threads = [threading.Thread(target=toggle, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = db.collection("posts").document(post["id"]).get().to_dict()
    reactions = list(db.collection("posts").document(post["id"]).collection("reactions").stream())
    assert stored["reactionCount"] == len(reactions) == len(users)


def test_reports_hide_a_post_and_erasure_leaves_nothing_of_the_user(runtime_for: Any) -> None:
    runtime = runtime_for("firestore")
    db = runtime.firestore
    leaver, other = str(uuid.uuid4()), str(uuid.uuid4())
    mine = runtime.firestore_transaction(lambda tx, _: posts.create_post(db, tx, leaver, {"text": "mine"}))
    theirs = runtime.firestore_transaction(lambda tx, _: posts.create_post(db, tx, other, {"text": "theirs"}))
    for reporter in [str(uuid.uuid4()) for _ in range(3)]:
        runtime.firestore_transaction(lambda tx, _, r=reporter: interactions.report(db, tx, r, mine["id"], None))
    assert db.collection("posts").document(mine["id"]).get().get("visible") is False
    runtime.firestore_transaction(lambda tx, _: interactions.add_comment(db, tx, leaver, theirs["id"], "hi"))
    runtime.firestore_transaction(lambda tx, _: interactions.set_reaction(db, tx, leaver, theirs["id"], True))
    runtime.firestore_transaction(lambda tx, _: interactions.report(db, tx, leaver, theirs["id"], {"reason": "x"}))
    assert erase.erase_user(db, leaver) == {"posts": 1, "comments": 1, "reactions": 1, "reports": 1}
    assert erase.erase_user(db, leaver) == {"posts": 0, "comments": 0, "reactions": 0, "reports": 0}
    left = db.collection("posts").document(theirs["id"]).get().to_dict()
    assert (left["commentCount"], left["reactionCount"], left["reportCount"]) == (0, 0, 0)
    assert not db.collection("posts").document(mine["id"]).get().exists
