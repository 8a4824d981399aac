"""Reflections and the community through the gateway, and account deletion leaving nothing in Firestore.

Two steps depend on operations other issues add to the contract, and adapt to it:
"counted in the report" runs once GET /v1/me/reports/summary is in contracts/openapi.yaml;
account deletion calls DELETE /v1/me when it exists, and otherwise publishes the
`user.deleted` event that operation would publish (the subscribers cannot tell).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from wellness.platform.contracts import contracts_dir
from wellness.platform.events import Event
from wellness.platform.strict_yaml import read_yaml

from .conftest import Api, eventually

pytestmark = pytest.mark.e2e


def in_contract(method: str, path: str) -> bool:
    paths = read_yaml(contracts_dir() / "openapi.yaml")["paths"]
    return method in paths.get(path, {})


def signed_up(api: Api, name: str) -> tuple[str, str]:
    session = api.sign_up(displayName=name, timezone="Asia/Tokyo")
    token = session["accessToken"]
    eventually(lambda: api.call("GET", "/v1/me/profile", token).status_code == 200, timeout=20)
    return session["user"]["id"], token


def test_reflect_then_listed_and_counted(api: Api) -> None:
    _, token = signed_up(api, "Refl")
    created = api.call("POST", "/v1/me/reflections", token, json={"mood": 5, "text": "Slept well", "tags": ["sleep"]})
    assert created.status_code == 201, created.text
    listed = api.call("GET", "/v1/me/reflections", token).json()
    assert [r["id"] for r in listed["items"]] == [created.json()["id"]]
    assert api.call("GET", f"/v1/me/reflections/{created.json()['id']}", token).json()["text"] == "Slept well"
    if in_contract("get", "/v1/me/reports/summary"):  # reporting consumes reflection.logged
        eventually(
            lambda: api.call("GET", "/v1/me/reports/summary", token).json().get("reflectionsLogged") == 1, timeout=10
        )


def test_post_comment_react_report_hide(api: Api) -> None:
    author_id, author = signed_up(api, "Author")
    others = [signed_up(api, f"Reader{n}")[1] for n in range(3)]
    readers_since = time.monotonic()
    post = api.call("POST", "/v1/community/posts", author, json={"text": "Finished week one"}).json()
    path = f"/v1/community/posts/{post['id']}"
    assert post["author"] == {"userId": author_id, "displayName": "Author"}
    assert api.call("POST", f"{path}/comments", others[0], json={"text": "Well done"}).status_code == 201
    assert api.call("PUT", f"{path}/reactions/me", others[1]).json()["reactionCount"] == 1
    seen = api.call("GET", path, others[2]).json()
    assert (seen["commentCount"], seen["reactionCount"]) == (1, 1)
    # Three accounts made seconds ago report it: kept, but too young to count (the stack's minimum: 10 s).
    for token in [signed_up(api, f"Fresh{n}")[1] for n in range(3)]:
        assert api.call("POST", f"{path}/reports", token, json={"reason": "test"}).status_code == 201
    assert api.call("GET", path, others[0]).status_code == 200
    time.sleep(max(0.0, 10.5 - (time.monotonic() - readers_since)))
    for token in others:
        assert api.call("POST", f"{path}/reports", token, json={"reason": "test"}).status_code == 201
    assert api.call("GET", path, others[0]).status_code == 404
    assert api.call("GET", path, author).json()["hidden"] is True


def test_an_unverified_account_reads_but_does_not_post(api: Api) -> None:
    session = api.sign_up(verified=False)
    token = session["accessToken"]
    assert api.call("GET", "/v1/community/posts", token).status_code == 200
    refused = api.call("POST", "/v1/community/posts", token, json={"text": "spam"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "email_not_verified")
    verified = api.verify(session)
    assert api.call("POST", "/v1/community/posts", verified["accessToken"], json={"text": "hello"}).status_code == 201


def test_deleting_the_account_leaves_nothing_of_the_user_in_firestore(
    api: Api, local_stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from google.cloud import firestore, pubsub_v1  # type: ignore[attr-defined]

    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", local_stack.env["PUBSUB_EMULATOR_HOST"])
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", local_stack.env["FIRESTORE_EMULATOR_HOST"])

    leaver_id, leaver = signed_up(api, "Leaver")
    _, other = signed_up(api, "Stayer")
    api.call("POST", "/v1/me/reflections", leaver, json={"mood": 2, "text": "private"})
    api.call("PATCH", "/v1/me/profile", leaver, json={"bio": "bye"})
    own = api.call("POST", "/v1/community/posts", leaver, json={"text": "mine"}).json()
    theirs = api.call("POST", "/v1/community/posts", other, json={"text": "theirs"}).json()
    api.call("POST", f"/v1/community/posts/{theirs['id']}/comments", leaver, json={"text": "hi"})
    api.call("PUT", f"/v1/community/posts/{theirs['id']}/reactions/me", leaver)
    api.call("POST", f"/v1/community/posts/{theirs['id']}/reports", leaver)

    if in_contract("delete", "/v1/me"):
        assert api.call("DELETE", "/v1/me", leaver).status_code in (200, 202, 204)
    else:  # auth's DELETE /v1/me is another issue: publish what it would
        env = local_stack.env
        publisher = pubsub_v1.PublisherClient()
        event = Event.new("user.deleted", user_id=leaver_id, data={"userId": leaver_id})
        topic = publisher.topic_path(env["GOOGLE_CLOUD_PROJECT"], "user.deleted")
        publisher.publish(topic, event.to_json(), eventId=event.id).result(timeout=10)

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
    left = api.call("GET", f"/v1/community/posts/{theirs['id']}", other).json()
    assert (left["commentCount"], left["reactionCount"]) == (0, 0)
    assert api.call("GET", f"/v1/community/posts/{own['id']}", other).status_code == 404
    assert uuid.UUID(leaver_id)
