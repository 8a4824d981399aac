"""scripts/seed against the whole local stack: a data set through the public API, and nothing more the second time."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from devstack.seed.run import DEFAULT_PASSWORD, main

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
    login = requests.post(
        f"{url}/v1/auth/login", json={"email": "seed.ada@example.com", "password": DEFAULT_PASSWORD}, timeout=30
    )
    token = login.json()["accessToken"]
    mine = {"Authorization": f"Bearer {token}"}
    enrolled = requests.get(f"{url}/v1/me/enrollments", headers=mine, timeout=30).json()["items"]
    assert {e["programId"] for e in enrolled} == {"mindful-7", "sleep-10"}
    profile = requests.get(f"{url}/v1/me/profile", headers=mine, timeout=30).json()
    assert profile["timezone"] == "Europe/London" and profile["bio"]


def test_the_seed_refuses_what_is_not_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--base-url", "http://127.0.0.1:9", "--users", "1"]) == 1
    assert "FAILED" in capsys.readouterr().err
    assert main(["--base-url", "http://127.0.0.1:9", "--users", "0"]) == 2
