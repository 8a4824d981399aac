"""The one sign-up routine, against a fake gateway (the real one: the e2e tier, the seed, the benches)."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.stack import accounts

pytestmark = pytest.mark.unit

USER = "3f1c4a52-2b7a-4c47-9a53-8f1f1c0a9d01"


def session(token: str) -> dict[str, Any]:
    user = {"id": USER, "email": "ada@example.com", "displayName": "Ada"}
    return {"user": user, "accessToken": token, "refreshToken": f"r-{token}", "tokenType": "Bearer", "expiresIn": 900}


class Gateway:
    def __init__(self, signup_status: int = 201) -> None:
        self.signup_status = signup_status
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.url.path, body))
        answers = {
            "/v1/auth/signup": (self.signup_status, session("a1") if self.signup_status == 201 else error()),
            "/v1/auth/email-verification/confirm": (204, None),
            "/v1/auth/refresh": (200, session("a2-verified")),
        }
        status, answer = answers[request.url.path]
        content = b"" if answer is None else json.dumps(answer).encode()
        return httpx.Response(status, content=content, headers={"X-Request-Id": "req-1"})


def error() -> dict[str, Any]:
    return {"error": {"code": "email_taken", "message": "taken", "details": [], "requestId": "req-1"}}


def test_a_sign_up_is_the_api_s_session_with_its_password_and_request_id() -> None:
    gateway = Gateway()
    account = accounts.sign_up("https://gw.example", email="ada@example.com", transport=httpx.MockTransport(gateway))
    assert (account.user_id, account.verified, account.request_id) == (USER, False, "req-1")
    assert account.as_json()["accessToken"] == "a1" and account.as_json()["password"] == accounts.PASSWORD
    sent = {
        "email": "ada@example.com",
        "password": accounts.PASSWORD,
        "displayName": "Ada",
        "timezone": "Europe/Lisbon",
    }
    assert gateway.calls == [("/v1/auth/signup", sent)]


def test_a_refused_sign_up_raises_with_the_status() -> None:
    with pytest.raises(accounts.AccountError, match="409") as refused:
        accounts.sign_up("https://gw.example", transport=httpx.MockTransport(Gateway(signup_status=409)))
    assert refused.value.status == 409


def test_with_a_mail_folder_the_mailed_link_is_confirmed_and_the_session_refreshed(tmp_path: Path) -> None:
    mail = EmailMessage()
    mail["To"], mail["Subject"] = "ada@example.com", accounts.VERIFICATION_SUBJECT
    mail.set_content("Open https://app.wellness.invalid/verify-email?token=tok-123 to confirm.")
    (tmp_path / "00000000000000000001.eml").write_bytes(bytes(mail))
    gateway = Gateway()
    account = accounts.sign_up(
        "https://gw.example", email="ada@example.com", mail_dir=tmp_path, transport=httpx.MockTransport(gateway)
    )
    assert account.verified and account.session.access_token == "a2-verified"
    assert gateway.calls[1:] == [
        ("/v1/auth/email-verification/confirm", {"token": "tok-123"}),
        ("/v1/auth/refresh", {"refreshToken": "r-a1"}),
    ]


def mail_file(folder: Path, number: int, to: str, subject: str, token: str) -> None:
    mail = EmailMessage()
    mail["To"], mail["Subject"] = to, subject
    mail.set_content(f"Open https://app.wellness.invalid/verify-email?token={token} to confirm.")
    (folder / f"{number:020d}.eml").write_bytes(bytes(mail))


def test_waiting_for_a_mail_reads_each_file_once_however_many_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(50):  # a long run's leftovers, none for this address
        mail_file(tmp_path, number, f"other-{number}@example.com", accounts.VERIFICATION_SUBJECT, f"old-{number}")
    reads: list[str] = []
    real_read = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(path.name)
        return real_read(path)

    polls = 0

    def sleep(_: float) -> None:  # the mail arrives during the third poll's wait
        nonlocal polls
        polls += 1
        if polls == 3:
            mail_file(tmp_path, 99, "ada@example.com", accounts.VERIFICATION_SUBJECT, "new")

    monkeypatch.setattr(Path, "read_bytes", counted)
    monkeypatch.setattr(accounts.time, "sleep", sleep)
    assert accounts.mailed_token(tmp_path, "ada@example.com", accounts.VERIFICATION_SUBJECT) == "new"
    assert polls == 3
    leftovers = [name for name in reads if name != f"{99:020d}.eml"]
    assert sorted(leftovers) == sorted({*leftovers}) and len(leftovers) == 50  # each once, not once a poll
    assert reads.count(f"{99:020d}.eml") == 2  # its headers, then the whole mail


def test_the_newest_mail_to_the_address_wins(tmp_path: Path) -> None:
    mail_file(tmp_path, 1, "ada@example.com", accounts.VERIFICATION_SUBJECT, "first")
    mail_file(tmp_path, 2, "ada@example.com", "Welcome to Wellness, Ada", "welcome")
    mail_file(tmp_path, 3, "ada@example.com", accounts.VERIFICATION_SUBJECT, "second")
    mail_file(tmp_path, 4, "bob@example.com", accounts.VERIFICATION_SUBJECT, "bob")
    assert accounts.mailed_token(tmp_path, "ada@example.com", accounts.VERIFICATION_SUBJECT) == "second"
