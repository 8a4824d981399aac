"""The community in Firestore.

Documents:
    posts/{postId}                      the post, its report count and its visibility
    posts/{postId}/counters/{0..3}      its reaction and comment counts, in shards
    posts/{postId}/comments/{commentId}
    posts/{postId}/reactions/{userId}   one per user: the id is the user's
    posts/{postId}/reports/{userId}     one per user
    rateLimits/{userId}_{action}_{n}    the user's recent events, one slot per event allowed

Hot documents. Firestore locks what a transaction reads until it commits, so many
transactions that read and then write one document queue on it and abort each other
(on the emulator, ten at once on one document: ~2 s per round, two of ten done in
10 s). Two documents are hot here, and neither is read-then-written any more:

- a popular post's counts are a distributed counter, the pattern Google documents for
  counters updated more often than once a second ("Distributed counters",
  https://cloud.google.com/firestore/docs/solutions/counters): each change increments
  one of COUNTER_SHARDS shard documents without reading it, and a read sums the shards
  with the post's own (older) counts;
- a user's rate limit is a set of slot documents taken with conditional writes outside
  any transaction (`FirestoreRateLimits.take`), before the post's own transaction.

Authors' public profiles are read through `wellness.profile.public`, in the same
transaction, so a renamed author shows the new name at once.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..platform.export import documents, record
from ..platform.firestore.queries import QuerySpec, build
from ..platform.firestore.unit_of_work import FirestoreTransaction, FirestoreUnitOfWork
from ..profile.public import public_profiles
from .model import RATE_LIMITS, Comment, Post, RateLimit, Reaction, Report, free_slots, retry_after
from .queries import COMMENTS_BY_AUTHOR, COMMENTS_PAGE, FEED, POSTS_BY_AUTHOR, REACTIONS_BY_USER, REPORTS_BY_USER

if TYPE_CHECKING:
    from google.cloud.firestore import DocumentReference

POSTS, COMMENTS, REACTIONS, REPORTS, WINDOWS = "posts", "comments", "reactions", "reports", "rateLimits"
COUNTERS = "counters"
# Each shard takes about one write a second (Google's guidance for one document): four
# let a post take a few reactions a second; a read costs as many documents.
COUNTER_SHARDS = 4


def _post(doc: Mapping[str, Any]) -> Post:
    return Post(
        doc["id"],
        doc["authorId"],
        doc["text"],
        doc.get("programId"),
        doc["createdAt"],
        bool(doc["visible"]),
        int(doc["reactionCount"]),
        int(doc["commentCount"]),
        int(doc["reportCount"]),
    )


def _post_doc(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "authorId": post.author_id,
        "text": post.text,
        "programId": post.program_id,
        "createdAt": post.created_at,
        "visible": post.visible,
        "reactionCount": post.reaction_count,
        "commentCount": post.comment_count,
        "reportCount": post.report_count,
    }


def _comment(doc: Mapping[str, Any]) -> Comment:
    return Comment(doc["id"], doc["postId"], doc["authorId"], doc["text"], doc["createdAt"])


def _after(spec: QuerySpec, key: tuple[str, str] | None) -> dict[str, Any] | None:
    """The cursor's key as the values of the spec's order fields."""
    return None if key is None else dict(zip((field for field, _ in spec.order), key, strict=True))


def _post_ref(tx: FirestoreTransaction, post_id: str) -> DocumentReference:
    return tx.client.collection(POSTS).document(post_id)


class FirestorePosts:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def get(self, post_id: str) -> Post | None:
        snapshot = self._tx.get(_post_ref(self._tx, post_id))
        return _post(snapshot.to_dict() or {}) if snapshot.exists else None

    def feed(self, *, after: tuple[str, str] | None, limit: int) -> list[Post]:
        query = build(self._tx.client.collection(POSTS), FEED, equals={"visible": True}, after=_after(FEED, after))
        return [_post(s.to_dict() or {}) for s in query.limit(limit).stream(transaction=self._tx.transaction)]

    def add(self, post: Post) -> None:
        self._tx.create(_post_ref(self._tx, post.id), _post_doc(post))

    def save(self, post: Post) -> None:
        # Not the reaction and comment counts: the post's own are what they were before
        # the shards (see `count`), and writing them back would count the shards twice.
        self._tx.update(_post_ref(self._tx, post.id), {"visible": post.visible, "reportCount": post.report_count})

    def count(self, post_id: str, *, reactions: int = 0, comments: int = 0) -> None:
        from google.cloud import firestore

        moves = {name: firestore.Increment(by) for name, by in (("reactions", reactions), ("comments", comments)) if by}
        if moves:
            shard = _post_ref(self._tx, post_id).collection(COUNTERS).document(str(random.randrange(COUNTER_SHARDS)))
            self._tx.set(shard, moves, merge=True)

    def with_counts(self, posts: Sequence[Post]) -> list[Post]:
        if not posts:
            return []
        refs = [
            _post_ref(self._tx, p.id).collection(COUNTERS).document(str(n))
            for p in posts
            for n in range(COUNTER_SHARDS)
        ]
        moved: dict[str, tuple[int, int]] = {}
        # Outside the transaction (a shard read in one would be locked against the next increment).
        for shard in self._tx.client.get_all(refs):
            if shard.exists:
                post_id, doc = shard.reference.parent.parent.id, shard.to_dict() or {}
                reactions, comments = moved.get(post_id, (0, 0))
                moved[post_id] = (reactions + int(doc.get("reactions", 0)), comments + int(doc.get("comments", 0)))
        return [p.counted(reactions=moved.get(p.id, (0, 0))[0], comments=moved.get(p.id, (0, 0))[1]) for p in posts]

    def delete(self, post_id: str) -> None:
        ref = _post_ref(self._tx, post_id)
        # A thread may hold more than one transaction may write: what is under the post
        # goes first, outside the transaction (never the post itself, which this
        # transaction has read and so holds), then the post with the transaction.
        for collection in ref.collections():
            self._tx.client.recursive_delete(collection)
        self._tx.delete(ref)

    def erase_author(self, user_id: str) -> int:
        client = self._tx.client
        erased = 0
        for snapshot in build(client.collection(POSTS), POSTS_BY_AUTHOR, equals={"authorId": user_id}).stream():
            client.recursive_delete(snapshot.reference)
            erased += 1
        return erased


class FirestoreComments:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def _ref(self, post_id: str, comment_id: str) -> DocumentReference:
        ref: DocumentReference = _post_ref(self._tx, post_id).collection(COMMENTS).document(comment_id)
        return ref

    def get(self, post_id: str, comment_id: str) -> Comment | None:
        snapshot = self._tx.get(self._ref(post_id, comment_id))
        return _comment(snapshot.to_dict() or {}) if snapshot.exists else None

    def page(self, post_id: str, *, after: tuple[str, str] | None, limit: int) -> list[Comment]:
        source = _post_ref(self._tx, post_id).collection(COMMENTS)
        query = build(source, COMMENTS_PAGE, after=_after(COMMENTS_PAGE, after)).limit(limit)
        return [_comment(s.to_dict() or {}) for s in query.stream(transaction=self._tx.transaction)]

    def add(self, comment: Comment) -> None:
        doc = {
            "id": comment.id,
            "postId": comment.post_id,
            "authorId": comment.author_id,
            "text": comment.text,
            "createdAt": comment.created_at,
        }
        self._tx.create(self._ref(comment.post_id, comment.id), doc)

    def delete(self, post_id: str, comment_id: str) -> None:
        self._tx.delete(self._ref(post_id, comment_id))

    def erase_author(self, user_id: str) -> int:
        return _erase_each(
            self._tx, COMMENTS_BY_AUTHOR, user_id, lambda store, post, _item: store.posts.count(post.id, comments=-1)
        )


class FirestoreReactions:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def _ref(self, post_id: str, user_id: str) -> DocumentReference:
        ref: DocumentReference = _post_ref(self._tx, post_id).collection(REACTIONS).document(user_id)
        return ref

    def exists(self, post_id: str, user_id: str) -> bool:
        return bool(self._tx.get(self._ref(post_id, user_id)).exists)

    def reacted(self, user_id: str, post_ids: Sequence[str]) -> set[str]:
        snapshots = self._tx.get_all(self._ref(p, user_id) for p in dict.fromkeys(post_ids))
        return {s.reference.parent.parent.id for s in snapshots if s.exists}

    def add(self, reaction: Reaction) -> None:
        doc = {"userId": reaction.user_id, "postId": reaction.post_id, "createdAt": reaction.created_at}
        self._tx.create(self._ref(reaction.post_id, reaction.user_id), doc)

    def remove(self, post_id: str, user_id: str) -> None:
        self._tx.delete(self._ref(post_id, user_id))

    def erase_user(self, user_id: str) -> int:
        return _erase_each(
            self._tx, REACTIONS_BY_USER, user_id, lambda store, post, _item: store.posts.count(post.id, reactions=-1)
        )


class FirestoreReports:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def _ref(self, post_id: str, user_id: str) -> DocumentReference:
        ref: DocumentReference = _post_ref(self._tx, post_id).collection(REPORTS).document(user_id)
        return ref

    def get(self, post_id: str, user_id: str) -> Report | None:
        snapshot = self._tx.get(self._ref(post_id, user_id))
        doc = snapshot.to_dict() or {}
        if not snapshot.exists:
            return None
        return Report(doc["postId"], doc["userId"], doc["reason"], doc["createdAt"], bool(doc.get("counted", True)))

    def add(self, report: Report) -> None:
        doc = {
            "userId": report.user_id,
            "postId": report.post_id,
            "reason": report.reason,
            "createdAt": report.created_at,
            "counted": report.counted,
        }
        self._tx.create(self._ref(report.post_id, report.user_id), doc)

    def erase_user(self, user_id: str) -> int:
        def uncount(store: FirestoreCommunityStore, post: Post, report: Mapping[str, Any]) -> None:
            if report.get("counted", True):  # a young account's report never counted toward hiding
                store.posts.save(post.counted(reports=-1))

        return _erase_each(self._tx, REPORTS_BY_USER, user_id, uncount)


class FirestoreRateLimits:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def _slots(self, user_id: str, limit: RateLimit) -> list[DocumentReference]:
        collection = self._tx.client.collection(WINDOWS)
        return [collection.document(f"{user_id}_{limit.action}_{n}") for n in range(limit.max_events)]

    def take(self, user_id: str, limit: RateLimit, now: float) -> int | None:
        """Read the slots, then take a free one with a write that fails if another request took it first.

        Each failed write means another request took a slot, so this ends within
        max_events + 1 rounds. No transaction: nothing waits on a lock.
        """
        from google.api_core.exceptions import AlreadyExists, FailedPrecondition

        client, refs = self._tx.client, self._slots(user_id, limit)
        for _ in range(limit.max_events + 1):
            snapshots = {s.reference.id: s for s in client.get_all(refs)}
            held = [snapshots[r.id] if snapshots[r.id].exists else None for r in refs]
            times = [float(s.get("at")) if s is not None else None for s in held]
            free = free_slots(limit, times, now)
            if not free:
                return retry_after(limit, times, now)
            index = random.choice(free)  # a burst's requests spread over the free slots instead of racing for one
            slot, doc = held[index], {"at": now, "userId": user_id, "action": limit.action}
            try:
                if slot is None:
                    refs[index].create(doc)
                else:  # only if nobody rewrote it since it was read
                    refs[index].update(doc, option=client.write_option(last_update_time=slot.update_time))
                return None
            except (AlreadyExists, FailedPrecondition):
                continue
        return retry_after(limit, times, now)

    def export(self, user_id: str) -> list[dict[str, Any]]:
        """The slots the user holds (when each recent post or comment was made), as stored."""
        refs = [ref for limit in RATE_LIMITS for ref in self._slots(user_id, limit)]
        return [record(s.to_dict() or {}) for s in self._tx.get_all(refs) if s.exists]

    def erase(self, user_id: str, limit: RateLimit) -> None:
        for ref in self._slots(user_id, limit):
            self._tx.delete(ref)
        self._tx.delete(self._tx.client.collection(WINDOWS).document(f"{user_id}_{limit.action}"))  # the older window


class FirestoreAuthors:
    def __init__(self, tx: FirestoreTransaction):
        self._tx = tx

    def public_profiles(self, user_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return public_profiles(self._tx, user_ids)


class FirestoreCommunityStore(FirestoreTransaction):
    def export_user(self, user_id: str, limit: int) -> dict[str, Any]:
        """The user's posts, comments, reactions and reports, as stored (wellness.platform.export).

        The queries are the erasure's: what the export shows is what deletion erases.
        """
        posts = build(self.client.collection(POSTS), POSTS_BY_AUTHOR, equals={"authorId": user_id})
        return {
            "posts": documents(posts, limit, "posts"),
            **{
                section: documents(
                    build(self.client.collection_group(spec.collection), spec, equals={spec.equals[0]: user_id}),
                    limit,
                    section,
                )
                for section, spec in (
                    ("comments", COMMENTS_BY_AUTHOR),
                    ("reactions", REACTIONS_BY_USER),
                    ("reports", REPORTS_BY_USER),
                )
            },
            "rateLimitSlots": self.rate_limits.export(user_id),
        }

    @property
    def posts(self) -> FirestorePosts:
        return FirestorePosts(self)

    @property
    def comments(self) -> FirestoreComments:
        return FirestoreComments(self)

    @property
    def reactions(self) -> FirestoreReactions:
        return FirestoreReactions(self)

    @property
    def reports(self) -> FirestoreReports:
        return FirestoreReports(self)

    @property
    def rate_limits(self) -> FirestoreRateLimits:
        return FirestoreRateLimits(self)

    @property
    def authors(self) -> FirestoreAuthors:
        return FirestoreAuthors(self)


def _erase_each(
    tx: FirestoreTransaction,
    spec: QuerySpec,
    user_id: str,
    uncount: Callable[[FirestoreCommunityStore, Post, Mapping[str, Any]], None],
) -> int:
    """Outside `tx`: each of the user's items under any post, with the post's count, in a transaction of its own.

    Each transaction finds the item or not (a retry, or a concurrent erasure, took it
    already), so running this again erases nothing twice; the number is of what this
    run removed.
    """
    client = tx.client
    (field,) = spec.equals
    query = build(client.collection_group(spec.collection), spec, equals={field: user_id})
    own_transactions = FirestoreUnitOfWork(lambda: client, FirestoreCommunityStore)

    def removal(ref: DocumentReference) -> Callable[[FirestoreCommunityStore], bool]:
        def remove(store: FirestoreCommunityStore) -> bool:
            item, post = store.get(ref), store.posts.get(ref.parent.parent.id)
            if not item.exists:
                return False
            store.delete(ref)
            if post is not None:
                uncount(store, post, item.to_dict() or {})
            return True

        return remove

    return sum(own_transactions.run(removal(snapshot.reference)) for snapshot in list(query.stream()))
