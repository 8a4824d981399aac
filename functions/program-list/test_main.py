"""program-list: the seeded catalog, a page at a time, with opaque cursors."""

import pytest

from wellness.platform.identity import userinfo_header

pytestmark = pytest.mark.functional

ME = userinfo_header({"sub": "00000000-0000-4000-8000-000000000001"})


def test_the_catalog_pages_through_every_program_once(load_function) -> None:
    client = load_function("program-list")
    first = client.get("/v1/programs?limit=2", headers=ME)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert len(body["items"]) == 2 and body["nextCursor"]
    rest = client.get(f"/v1/programs?limit=100&cursor={body['nextCursor']}", headers=ME).get_json()
    assert rest["nextCursor"] is None
    ids = [p["id"] for p in body["items"] + rest["items"]]
    assert ids == sorted(set(ids)) and {"mindful-7", "move-14", "sleep-10"} <= set(ids)
    mindful = next(p for p in body["items"] + rest["items"] if p["id"] == "mindful-7")
    assert set(mindful) == {"id", "title", "description", "durationDays"} and mindful["durationDays"] == 7


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x"])
def test_bad_paging_is_400(load_function, query: str) -> None:
    response = load_function("program-list").get(f"/v1/programs?{query}", headers=ME)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("invalid_cursor", "invalid_parameters")


def test_without_identity_it_is_401(load_function) -> None:
    assert load_function("program-list").get("/v1/programs").status_code == 401
