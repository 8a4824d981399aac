"""Account deletion in the community: nothing of the user is left.

The user's posts go with everything under them (others' comments on them too: a
thread without its post has no place to be shown). The user's comments, reactions
and reports on others' posts are deleted outright, each with its post's counter in
one transaction; no anonymised stub is kept ("[deleted]" would tell nobody
anything, and the text is the user's). A post that reports had hidden stays hidden.
Every step finds only what is still there, so erasing again changes nothing.

    >>> erase_user(client, user_id)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from ..firestore_queries import COMMENTS_BY_AUTHOR, POSTS_BY_AUTHOR, REACTIONS_BY_USER, REPORTS_BY_USER, build
from .model import COMMENTING, POSTING
from .posts import posts, rate_limit_ref


def _remove_with_counter(client: Any, ref: Any, counter: str) -> None:
    from google.cloud import firestore

    post_ref = ref.parent.parent

    @firestore.transactional
    def run(transaction: Any) -> None:
        item, post = ref.get(transaction=transaction), post_ref.get(transaction=transaction)
        if not item.exists:
            return
        transaction.delete(ref)
        if post.exists:
            transaction.update(post_ref, {counter: max(0, int(post.get(counter) or 0) - 1)})

    run(client.transaction())


def erase_user(client: Any, user_id: str) -> dict[str, int]:
    """Delete the user's posts, comments, reactions, reports and rate-limit windows; counts of what went."""
    done = {"posts": 0, "comments": 0, "reactions": 0, "reports": 0}
    for snapshot in build(posts(client), POSTS_BY_AUTHOR, equals={"authorId": user_id}).stream():
        client.recursive_delete(snapshot.reference)
        done["posts"] += 1
    for spec, key, field, counter in (
        (COMMENTS_BY_AUTHOR, "comments", "authorId", "commentCount"),
        (REACTIONS_BY_USER, "reactions", "userId", "reactionCount"),
        (REPORTS_BY_USER, "reports", "userId", "reportCount"),
    ):
        for snapshot in build(client.collection_group(spec.collection), spec, equals={field: user_id}).stream():
            _remove_with_counter(client, snapshot.reference, counter)
            done[key] += 1
    for limit in (POSTING, COMMENTING):
        rate_limit_ref(client, user_id, limit).delete()
    return done
