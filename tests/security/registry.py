"""How to make a resource that belongs to user A, per operation that takes an id in its path.

The object-level authorization harness (test_object_level_authorization.py) runs every
such operation of the contract as user B with user A's ids. It cannot invent a valid
id, so each operation names here how to get one; an operation with a path parameter
and no entry fails the harness (and test_contract_rules.py) loudly, never silently.

Add an entry when you add an operation with `{param}` in its path:

    REGISTRY["reflectionsGetOne"] = Owned(
        arrange=lambda api, owner: {"id": api.call("POST", "/v1/me/reflections", owner.token,
                                                    json={"mood": 4, "text": "A's secret"}).json()["id"]},
        read_back=lambda api, owner, params: api.call("GET", f"/v1/me/reflections/{params['id']}", owner.token).json(),
    )

- arrange(api, owner) -> the path parameters of a resource owned by owner (user A);
- body(params) -> the body B sends (default: the schema's example);
- read_back(api, owner, params) -> A's view of the resource, compared before and after
  B's attempt (default: A's profile), so "never a change to it" is checked too.
- shared: True when the path names something B may legitimately act on for itself (a
  catalog program or task, A's public post to comment on, react to or report): any answer
  but a 5xx; A's view (read_back) must not change and B's answer holds nothing private of A.
- public_by_design: True for an operation meant to show another user's resource
  (e.g. GET /v1/profiles/{userId}, the public subset); the harness then checks only that
  B's answer holds none of A's private fields (listed in private_fields).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

Params = dict[str, str]


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    token: str
    display_name: str


@dataclasses.dataclass(frozen=True)
class Owned:
    arrange: Callable[[Any, User], Params]
    body: Callable[[Params], Any] | None = None
    read_back: Callable[[Any, User, Params], Any] | None = None
    public_by_design: bool = False
    private_fields: tuple[str, ...] = ()
    shared: bool = False


REGISTRY: dict[str, Owned] = {}


def _enrolled_in_mindful_7(api: Any, owner: User) -> Params:
    """A is enrolled in the seeded program "mindful-7" (day 1 is due today)."""
    response = api.call("POST", "/v1/programs/mindful-7/enrollments", owner.token)
    assert response.status_code in (201, 409), response.text
    return {"programId": "mindful-7", "taskId": "mindful-7-d1"}


def _enrollments_and_tasks(api: Any, owner: User, _params: Params) -> Any:
    return (
        api.call("GET", "/v1/me/enrollments", owner.token).json(),
        api.call("GET", "/v1/me/tasks", owner.token).json(),
    )


for _operation in ("programGet", "programEnroll", "programUnenroll", "programCompleteTask"):
    REGISTRY[_operation] = Owned(arrange=_enrolled_in_mindful_7, read_back=_enrollments_and_tasks, shared=True)

PRIVATE_PROFILE = ('"timezone"', '"email"')


def _own_reflection(api: Any, owner: User) -> Params:
    body = {"mood": 2, "text": "A's private journal entry", "tags": ["private"]}
    response = api.call("POST", "/v1/me/reflections", owner.token, json=body)
    assert response.status_code == 201, response.text
    return {"reflectionId": response.json()["id"]}


def _reflection_as_owner(api: Any, owner: User, params: Params) -> Any:
    response = api.call("GET", f"/v1/me/reflections/{params['reflectionId']}", owner.token)
    return response.status_code, response.json()


_posts: dict[str, Params] = {}


def _own_post(api: Any, owner: User) -> Params:
    """A's post, made once per owner: posting is rate-limited (5 a minute), and B fails to delete it."""
    if owner.id not in _posts:
        response = api.call("POST", "/v1/community/posts", owner.token, json={"text": "A's post"})
        assert response.status_code == 201, response.text
        _posts[owner.id] = {"postId": response.json()["id"]}
    return _posts[owner.id]


def _own_post_with_comment(api: Any, owner: User) -> Params:
    params = _own_post(api, owner)
    url = f"/v1/community/posts/{params['postId']}/comments"
    response = api.call("POST", url, owner.token, json={"text": "A's comment"})
    assert response.status_code == 201, response.text
    return {**params, "commentId": response.json()["id"]}


def _post_as_owner(api: Any, owner: User, params: Params) -> Any:
    """What B must not change: the post's own fields and A's reaction (counters may move)."""
    response = api.call("GET", f"/v1/community/posts/{params['postId']}", owner.token)
    post = response.json()
    return response.status_code, {k: post.get(k) for k in ("id", "author", "text", "hidden", "reactedByMe")}


def _comments_as_owner(api: Any, owner: User, params: Params) -> Any:
    response = api.call("GET", f"/v1/community/posts/{params['postId']}/comments", owner.token)
    return response.status_code, [c["id"] for c in response.json().get("items", [])]


REGISTRY["profileGetPublic"] = Owned(
    arrange=lambda api, owner: {"userId": owner.id}, public_by_design=True, private_fields=PRIVATE_PROFILE
)
REGISTRY["reflectionGet"] = Owned(arrange=_own_reflection, read_back=_reflection_as_owner)
REGISTRY["reflectionDelete"] = Owned(arrange=_own_reflection, read_back=_reflection_as_owner)
REGISTRY["communityGetPost"] = Owned(arrange=_own_post, read_back=_post_as_owner, public_by_design=True)
REGISTRY["communityDeletePost"] = Owned(arrange=_own_post, read_back=_post_as_owner)
REGISTRY["communityListComments"] = Owned(
    arrange=_own_post_with_comment, read_back=_comments_as_owner, public_by_design=True
)
REGISTRY["communityDeleteComment"] = Owned(arrange=_own_post_with_comment, read_back=_comments_as_owner)
for _operation in ("communityAddComment", "communityPutReaction", "communityDeleteReaction", "communityReportPost"):
    REGISTRY[_operation] = Owned(arrange=_own_post, read_back=_post_as_owner, shared=True)
