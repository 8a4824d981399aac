"""scripts/seed against the whole local stack: a data set through the public API, and nothing more the second time."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.seed.run import DEFAULT_PASSWORD, main
from devstack.stack import accounts
from wellness_api_client.api.auth import auth_login
from wellness_api_client.api.profile import profile_get_mine
from wellness_api_client.api.program import program_list_my_enrollments
from wellness_api_client.models import EnrollmentPage, LoginRequest, Profile, Session

pytestmark = pytest.mark.e2e


def test_the_seed_creates_the_data_set_once_and_prints_the_accounts(
    local_stack: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url, mail = local_stack.gateway_url, str(local_stack.mail_dir)  # the links to verify the addresses arrive there
    assert main(["--base-url", url, "--mail-dir", mail, "--users", "3"]) == 0
    first = capsys.readouterr().out
    assert "seed.ada@example.com" in first and "seed.maria@example.com" in first and DEFAULT_PASSWORD in first
    created = next(line for line in first.splitlines() if line.startswith("seed: created"))
    assert "3 users" in created and "3 verified addresses" in created and "3 posts" in created
    assert "6 comments" in created

    assert main(["--base-url", url, "--mail-dir", mail, "--users", "3"]) == 0
    second = capsys.readouterr().out
    again = next(line for line in second.splitlines() if line.startswith("seed: created"))
    assert set(again.removeprefix("seed: created ").split(", ")) == {
        f"0 {kind}"
        for kind in ("bios", "comments", "completions", "enrollments", "posts", "reactions", "reflections", "users")
    }, again

    # What it made is there for the demo accounts, through the API.
    login = auth_login.sync_detailed(
        client=accounts.client(url), body=LoginRequest(email="seed.ada@example.com", password=DEFAULT_PASSWORD)
    )
    assert isinstance(login.parsed, Session), login.content
    ada = accounts.authenticated(url, login.parsed.access_token)
    enrolled = program_list_my_enrollments.sync_detailed(client=ada).parsed
    assert isinstance(enrolled, EnrollmentPage)
    assert {e.program_id for e in enrolled.items} == {"mindful-7", "sleep-10"}
    profile = profile_get_mine.sync_detailed(client=ada).parsed
    assert isinstance(profile, Profile) and profile.timezone == "Europe/London" and profile.bio


def test_the_seed_refuses_what_is_not_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--base-url", "http://127.0.0.1:9", "--users", "1"]) == 1
    assert "FAILED" in capsys.readouterr().err
    assert main(["--base-url", "http://127.0.0.1:9", "--users", "0"]) == 2
