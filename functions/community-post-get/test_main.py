"""community-post-get: a visible post to anyone, a hidden one to its author only."""

import uuid

import pytest

from wellness_testing.factories import as_user

pytestmark = pytest.mark.functional


def test_hidden_posts_are_404_except_to_the_author(load_function, a_post) -> None:
    client = load_function("community-post-get")
    author = str(uuid.uuid4())
    hidden = a_post(author, visible=False)
    assert client.get(f"/v1/community/posts/{hidden}", headers=as_user(str(uuid.uuid4()))).status_code == 404
    mine = client.get(f"/v1/community/posts/{hidden}", headers=as_user(author)).get_json()
    assert mine["hidden"] is True and mine["author"]["userId"] == author
