"""Fixtures the functions' own tests share: services on the session's real stores, to arrange state."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, Callable, Iterator

import pytest

from wellness.program.service import ProgramService

# A function's main.py runs its composition root at import: it is tested through
# load_function (as deployed), never imported by --doctest-modules.
collect_ignore_glob = ["*/main.py"]


@pytest.fixture
def programs(postgres_url: str) -> Iterator[ProgramService]:
    """The program service on the session's PostgreSQL (events stay in the outbox)."""
    from sqlalchemy import create_engine

    from wellness.platform.postgres.unit_of_work import PostgresUnitOfWork
    from wellness.program.adapters import PostgresProgramStore

    engine = create_engine(postgres_url)
    yield ProgramService(PostgresUnitOfWork(engine, PostgresProgramStore))
    engine.dispose()


@pytest.fixture
def jwks_uri(signing_keyset_json: str) -> Iterator[str]:
    """The public JWKS of the session's signing keyset (what auth-jwks publishes), over local HTTP.

    For functions loaded with VERIFY_FORWARDED_TOKEN=true: pass JWT_JWKS_URI=jwks_uri.
    """
    from wellness.auth.keys import Keyset
    from wellness_testing.jwks import serve_jwks

    with serve_jwks(lambda: Keyset.from_json(signing_keyset_json).jwks()) as uri:
        yield uri


@pytest.fixture
def a_post(firestore_db: Any) -> Callable[..., str]:
    """Write a post through the community's real adapters and return its id.

    `a_post(author, visible=False, comment_count=1)`: keywords override `Post` fields.
    """
    from wellness.community.adapters import FirestoreCommunityStore
    from wellness.community.model import Post
    from wellness.platform.clock import timestamp
    from wellness.platform.firestore.unit_of_work import FirestoreUnitOfWork

    posts = FirestoreUnitOfWork(lambda: firestore_db, FirestoreCommunityStore)

    def write(author: str, **fields: Any) -> str:
        post = dataclasses.replace(Post.new(uuid.uuid4().hex, author, "hello", None, at=timestamp()), **fields)
        posts.run(lambda store: store.posts.add(post))
        return post.id

    return write


@pytest.fixture
def post_counts(firestore_db: Any) -> Callable[[str], tuple[int, int]]:
    """(reactions, comments) of a post, read through the community's real adapters (the counts are sharded)."""
    from wellness.community.adapters import FirestoreCommunityStore
    from wellness.platform.firestore.unit_of_work import FirestoreUnitOfWork

    posts = FirestoreUnitOfWork(lambda: firestore_db, FirestoreCommunityStore)

    def read(post_id: str) -> tuple[int, int]:
        def counted(store: FirestoreCommunityStore) -> tuple[int, int]:
            post = store.posts.get(post_id)
            assert post is not None, f"no post {post_id}"
            (post,) = store.posts.with_counts([post])
            return post.reaction_count, post.comment_count

        return posts.read(counted)

    return read
