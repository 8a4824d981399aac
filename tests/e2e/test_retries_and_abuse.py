"""Retries from the app and cheap abuse, through the gateway: idempotency, stale edits, dead tokens, throttles."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest

from devstack.bench.mail_flood import flood
from devstack.stack.accounts import idempotency_key
from wellness_api_client import AuthenticatedClient, Client
from wellness_api_client.api.auth import auth_delete_me, auth_login, auth_logout, auth_refresh
from wellness_api_client.api.community import community_create_post, community_list_posts
from wellness_api_client.api.profile import profile_get_mine, profile_update_mine
from wellness_api_client.api.program import program_enroll
from wellness_api_client.api.reflection import reflection_create
from wellness_api_client.models import (
    Enrollment,
    LoginRequest,
    NewPost,
    NewReflection,
    Post,
    PostPage,
    Profile,
    ProfilePatch,
    RefreshRequest,
    Session,
)
from wellness_api_client.types import Response

from .conftest import SignUp, eventually, ok, refused

pytestmark = pytest.mark.e2e

Write = Callable[[AuthenticatedClient], Response[Any]]


def enroll(me: AuthenticatedClient) -> Response[Any]:
    """A write to a PostgreSQL domain."""
    return program_enroll.sync_detailed("mindful-7", client=me)


def reflect(me: AuthenticatedClient) -> Response[Any]:
    """A write to a Firestore domain."""
    return reflection_create.sync_detailed(client=me, body=NewReflection(mood=3, text="after"))


def test_a_post_retried_after_a_dropped_answer_is_answered_again_not_posted_twice(sign_up: SignUp) -> None:
    me = sign_up().client
    key = idempotency_key()
    body = NewPost(text=f"once {key}")
    first = community_create_post.sync_detailed(client=me, body=body, idempotency_key=key)
    # The app never saw that answer (a dropped connection): it sends the same request again.
    retry = community_create_post.sync_detailed(client=me, body=body, idempotency_key=key)
    assert ok(retry, Post, 201) == ok(first, Post, 201) and retry.headers["Idempotent-Replayed"] == "true"
    feed = ok(community_list_posts.sync_detailed(client=me, limit=100), PostPage).items
    assert [p.text for p in feed].count(body.text) == 1
    other = community_create_post.sync_detailed(client=me, body=NewPost(text="else"), idempotency_key=key)
    assert refused(other, 422) == "idempotency_key_reused"


def test_an_enrollment_retried_with_its_key_is_201_again_in_a_postgres_domain(sign_up: SignUp) -> None:
    me = sign_up().client
    key = idempotency_key()
    first = ok(program_enroll.sync_detailed("sleep-10", client=me, idempotency_key=key), Enrollment, 201)
    retry = ok(program_enroll.sync_detailed("sleep-10", client=me, idempotency_key=key), Enrollment, 201)
    assert retry == first


def test_a_profile_edit_from_a_stale_copy_is_412(sign_up: SignUp) -> None:
    me = sign_up().client
    read = eventually(lambda: (r := profile_get_mine.sync_detailed(client=me)).status_code == 200 and r, timeout=20)
    etag = read.headers["ETag"]
    tablet = profile_update_mine.sync_detailed(client=me, body=ProfilePatch(bio="tablet"), if_match=etag)
    assert ok(tablet, Profile) and tablet.headers["ETag"] != etag
    phone = profile_update_mine.sync_detailed(client=me, body=ProfilePatch(bio="phone"), if_match=etag)
    assert refused(phone, 412) == "precondition_failed"
    assert ok(profile_get_mine.sync_detailed(client=me), Profile).bio == "tablet"


def test_after_deleting_the_account_its_token_writes_nothing_anywhere(sign_up: SignUp) -> None:
    me = sign_up().client
    eventually(lambda: profile_get_mine.sync_detailed(client=me).status_code == 200, timeout=20)
    assert auth_delete_me.sync_detailed(client=me).status_code == 204
    writes: dict[str, Write] = {
        "enroll": enroll,
        "reflect": reflect,
        "post": lambda me: community_create_post.sync_detailed(client=me, body=NewPost(text="after")),  # Firestore
        "profile": lambda me: profile_update_mine.sync_detailed(client=me, body=ProfilePatch(bio="after")),
    }
    for name, write in writes.items():
        assert refused(write(me), 401) == "token_revoked", name


def test_after_logging_out_that_sessions_token_writes_nothing(sign_up: SignUp) -> None:
    me = sign_up().client
    assert auth_logout.sync_detailed(client=me).status_code == 204
    assert refused(reflect(me), 401) == "token_revoked"


def test_ten_concurrent_wrong_passwords_evaluate_at_most_five(sign_up: SignUp, anonymous: Client) -> None:
    wrong = LoginRequest(email=sign_up(verified=False).email, password="not the password")
    with ThreadPoolExecutor(10) as pool:
        answers = pool.map(lambda _: auth_login.sync_detailed(client=anonymous, body=wrong), range(10))
        statuses = [int(answer.status_code) for answer in answers]
    print(
        f"\n10 concurrent wrong passwords through the gateway: {statuses.count(401)} evaluated, "
        f"{statuses.count(429)} refused"
    )
    assert statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 10


def test_a_flood_of_resets_and_resends_delivers_a_handful_of_mails(gateway: str, local_stack: Any) -> None:
    """25 resets for one address and 25 resends: every event recorded is mailed, and there are few (counted)."""
    result = flood(gateway, local_stack.mail_dir, local_stack.database_url, attempts=25)
    print(f"\nmail flood: {result}")
    assert result["allDelivered"], result
    assert result["reset"] == {"statuses": {202: 25}, "mailed": 3}  # PASSWORD_RESET_MAX_PER_ADDRESS; the rest silent
    assert result["verification"] == {"statuses": {202: 3, 429: 22}, "mailed": 4}  # sign-up's link and three more


def test_reusing_a_rotated_refresh_token_stops_the_sessions_access_tokens_writing(
    sign_up: SignUp, anonymous: Client
) -> None:
    """A leaked refresh token, used after the owner rotated it: the session ends, its access tokens write nothing."""
    user = sign_up()
    leaked = RefreshRequest(refresh_token=user.account.session.refresh_token)
    ok(auth_refresh.sync_detailed(client=anonymous, body=leaked), Session)
    assert auth_refresh.sync_detailed(client=anonymous, body=leaked).status_code == 401
    for name, write in {"enroll": enroll, "reflect": reflect}.items():  # Postgres, Firestore
        assert refused(write(user.client), 401) == "token_revoked", name
