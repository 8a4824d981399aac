"""Reflections and the community through the gateway, and account deletion leaving nothing in Firestore."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from devstack.stack import accounts
from wellness_api_client.api.auth import auth_delete_me
from wellness_api_client.api.community import (
    community_add_comment,
    community_create_post,
    community_get_post,
    community_list_posts,
    community_put_reaction,
    community_report_post,
)
from wellness_api_client.api.profile import profile_get_mine, profile_update_mine
from wellness_api_client.api.reflection import reflection_create, reflection_get, reflection_list
from wellness_api_client.api.reporting import reporting_summary
from wellness_api_client.models import (
    Comment,
    NewComment,
    NewPost,
    NewReflection,
    NewReport,
    Post,
    PostPage,
    Profile,
    ProfilePatch,
    ReactionState,
    Reflection,
    ReflectionPage,
    Report,
    ReportSummary,
)

from .conftest import SignUp, User, eventually, ok, refused

pytestmark = pytest.mark.e2e


def signed_up(sign_up: SignUp, name: str) -> User:
    user = sign_up(display_name=name, timezone="Asia/Tokyo")
    eventually(lambda: profile_get_mine.sync_detailed(client=user.client).status_code == 200, timeout=20)
    return user


def test_reflect_then_listed_and_counted(sign_up: SignUp) -> None:
    me = signed_up(sign_up, "Refl").client
    body = NewReflection(mood=5, text="Slept well", tags=["sleep"])
    created = ok(reflection_create.sync_detailed(client=me, body=body), Reflection, 201)
    listed = ok(reflection_list.sync_detailed(client=me), ReflectionPage)
    assert [r.id for r in listed.items] == [created.id]
    assert ok(reflection_get.sync_detailed(created.id, client=me), Reflection).text == "Slept well"
    # reporting consumes reflection.logged
    eventually(lambda: ok(reporting_summary.sync_detailed(client=me), ReportSummary).reflections_logged == 1, 10)


def test_post_comment_react_report_hide(sign_up: SignUp) -> None:
    author = signed_up(sign_up, "Author")
    others = [signed_up(sign_up, f"Reader{n}").client for n in range(3)]
    readers_since = time.monotonic()
    post = ok(
        community_create_post.sync_detailed(client=author.client, body=NewPost(text="Finished week one")), Post, 201
    )
    assert post.author.to_dict() == {"userId": author.id, "displayName": "Author"}
    ok(community_add_comment.sync_detailed(post.id, client=others[0], body=NewComment(text="Well done")), Comment, 201)
    assert ok(community_put_reaction.sync_detailed(post.id, client=others[1]), ReactionState).reaction_count == 1
    seen = ok(community_get_post.sync_detailed(post.id, client=others[2]), Post)
    assert (seen.comment_count, seen.reaction_count) == (1, 1)
    report = NewReport(reason="test")
    # Three accounts made seconds ago report it: kept, but too young to count (the stack's minimum: 10 s).
    for fresh in [signed_up(sign_up, f"Fresh{n}").client for n in range(3)]:
        ok(community_report_post.sync_detailed(post.id, client=fresh, body=report), Report, 201)
    ok(community_get_post.sync_detailed(post.id, client=others[0]), Post)
    time.sleep(max(0.0, 10.5 - (time.monotonic() - readers_since)))
    for reader in others:
        ok(community_report_post.sync_detailed(post.id, client=reader, body=report), Report, 201)
    assert refused(community_get_post.sync_detailed(post.id, client=others[0]), 404)
    assert ok(community_get_post.sync_detailed(post.id, client=author.client), Post).hidden is True


def test_an_unverified_account_reads_but_does_not_post(sign_up: SignUp, local_stack: Any, gateway: str) -> None:
    user = sign_up(verified=False)
    ok(community_list_posts.sync_detailed(client=user.client), PostPage)
    spam = community_create_post.sync_detailed(client=user.client, body=NewPost(text="spam"))
    assert refused(spam, 403) == "email_not_verified"
    session = accounts.verify(gateway, local_stack.mail_dir, user.email, user.account.session.refresh_token)
    verified = accounts.authenticated(gateway, session.access_token)
    ok(community_create_post.sync_detailed(client=verified, body=NewPost(text="hello")), Post, 201)


def test_deleting_the_account_leaves_nothing_of_the_user_in_firestore(
    sign_up: SignUp, local_stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from google.cloud import firestore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", local_stack.env["FIRESTORE_EMULATOR_HOST"])

    user = signed_up(sign_up, "Leaver")
    leaver_id, leaver = user.id, user.client
    other = signed_up(sign_up, "Stayer").client
    ok(reflection_create.sync_detailed(client=leaver, body=NewReflection(mood=2, text="private")), Reflection, 201)
    ok(profile_update_mine.sync_detailed(client=leaver, body=ProfilePatch(bio="bye")), Profile)
    own = ok(community_create_post.sync_detailed(client=leaver, body=NewPost(text="mine")), Post, 201)
    theirs = ok(community_create_post.sync_detailed(client=other, body=NewPost(text="theirs")), Post, 201)
    ok(community_add_comment.sync_detailed(theirs.id, client=leaver, body=NewComment(text="hi")), Comment, 201)
    ok(community_put_reaction.sync_detailed(theirs.id, client=leaver), ReactionState)
    ok(community_report_post.sync_detailed(theirs.id, client=leaver), Report, 201)

    assert auth_delete_me.sync_detailed(client=leaver).status_code == 204

    db = firestore.Client(project=local_stack.env["GOOGLE_CLOUD_PROJECT"])

    def traces_left() -> list[str]:
        found = []
        for collection in db.collections():
            for doc in collection.stream():
                found += [f"{collection.id}/{doc.id}"] if leaver_id in f"{doc.id}{doc.to_dict()}" else []
        for group in ("reflections", "comments", "reactions", "reports"):
            for doc in db.collection_group(group).stream():
                found += [doc.reference.path] if leaver_id in f"{doc.id}{doc.to_dict()}" else []
        return found

    eventually(lambda: not traces_left(), timeout=20, interval=0.5)
    left = ok(community_get_post.sync_detailed(theirs.id, client=other), Post)
    assert (left.comment_count, left.reaction_count) == (0, 0)
    assert refused(community_get_post.sync_detailed(own.id, client=other), 404)
    assert uuid.UUID(leaver_id)
