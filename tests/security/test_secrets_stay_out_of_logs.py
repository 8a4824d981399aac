"""A whole account journey, then every log line of every process is searched for its secrets: none found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Api, eventually
from .flows import reset_link_for

pytestmark = pytest.mark.e2e


def test_no_password_token_or_reset_link_in_any_log(api: Api, local_stack: Any) -> None:
    first_password, second_password = "first secret passphrase 7", "second secret passphrase 8"
    session = api.sign_up(password=first_password)
    email = session["user"]["email"]
    secrets = [first_password, second_password, session["accessToken"], session["refreshToken"]]
    login = api.call("POST", "/v1/auth/login", json={"email": email, "password": first_password}).json()
    wrong = api.call("POST", "/v1/auth/login", json={"email": email, "password": "a wrong guess 9"})
    assert wrong.status_code == 401
    refreshed = api.call("POST", "/v1/auth/refresh", json={"refreshToken": login["refreshToken"]}).json()
    secrets += [
        login["accessToken"],
        login["refreshToken"],
        refreshed["accessToken"],
        refreshed["refreshToken"],
        "a wrong guess 9",
    ]
    eventually(lambda: api.call("GET", "/v1/me/profile", refreshed["accessToken"]).status_code == 200, timeout=10)
    api.call("PATCH", "/v1/me/profile", refreshed["accessToken"], json={"bio": "private bio text"})
    assert api.call("POST", "/v1/auth/password-reset", json={"email": email}).status_code == 202
    link, token = reset_link_for(local_stack, email)
    secrets += [link, token, token.split(".", 1)[1]]
    confirm = {"token": token, "newPassword": second_password}
    assert api.call("POST", "/v1/auth/password-reset/confirm", json=confirm).status_code == 204
    final = api.call("POST", "/v1/auth/login", json={"email": email, "password": second_password}).json()
    secrets += [final["accessToken"], final["refreshToken"]]
    assert api.call("POST", "/v1/auth/logout", final["accessToken"]).status_code == 204
    # That session's token writes nothing more: the deletion comes from a new one.
    last = api.call("POST", "/v1/auth/login", json={"email": email, "password": second_password}).json()
    secrets += [last["accessToken"], last["refreshToken"]]
    assert api.call("DELETE", "/v1/me", last["accessToken"]).status_code == 204

    logs = sorted(Path(local_stack.state_dir, "logs").glob("*.log"))
    assert len(logs) > 10  # every function, the gateway, the scheduler, the emulators, the mail sink
    text = "\n".join(path.read_text(errors="replace") for path in logs)
    keyset_pem_line = local_stack.env["SECRET_JWT_SIGNING_KEYS"].split("\\n")[1]
    for secret in [*secrets, keyset_pem_line, local_stack.env["SECRET_PASSWORD_RESET_KEY"], "Open this link"]:
        assert secret not in text, f"a secret of kind {_kind(secret, secrets)} is in a log"
    # The journey's own lines are there: the search looked at the right files.
    assert "/v1/auth/password-reset/confirm" in text and "mail sent" in text


def _kind(secret: str, secrets: list[str]) -> str:
    return f"#{secrets.index(secret)}" if secret in secrets else "key or mail body"
