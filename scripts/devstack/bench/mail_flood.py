"""A bounded mail flood against the local stack: how many mails N requests put in one inbox.

`attempts` password resets for one registered address, then `attempts` verification resends
by one unverified account, through the gateway as an attacker (or a stuck app) would send
them. Each request that is not refused records one event in the outbox in the answer's own
transaction (`password.reset_submitted`, `email.verification_requested`), and each event
becomes at most one mail (the notifications subscriber is idempotent per event). So the
recorded events, read once the answers are in, are the mails there will ever be; the count
then waits until the SMTP sink holds that many (a timeout only fails the wait). Counting, not
timing: `scripts/bench-abuse` prints the result (its `mail_flood` line),
`tests/e2e/test_retries_and_abuse.py` asserts its bound. Measured with 25 attempts: 25 reset
mails and 26 verification mails (sign-up's own among them) before the mail throttles, 3 and 4
after.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from devstack.stack import accounts
from devstack.stack.accounts import VERIFICATION_SUBJECT
from devstack.stack.mailsink import read_mail

RESET_SUBJECT = "Reset your Wellness password"
_RECORDED = sa.text(
    "SELECT count(*) FROM outbox WHERE (topic = 'password.reset_submitted' AND payload->'data'->>'email' = :email)"
    " OR (topic = 'email.verification_requested' AND payload->'data'->>'email' = :email)"
)


def _mails(mail_dir: Path, to: str) -> Counter[str]:
    return Counter(
        kind
        for message in read_mail(mail_dir)
        if message["To"] == to
        for kind, subject in (("reset", RESET_SUBJECT), ("verification", VERIFICATION_SUBJECT))
        if subject in str(message["Subject"])
    )


def flood(gateway: str, mail_dir: Path, database_url: str, attempts: int = 25, timeout: float = 60.0) -> dict[str, Any]:
    """Send the flood; the answers' statuses, the events recorded and the mails delivered, per operation."""
    http = requests.Session()
    email = f"flood-{uuid.uuid4().hex[:10]}@example.com"
    token = accounts.sign_up(gateway, email=email, display_name="Flood", timezone="UTC").session.access_token
    resets = [
        http.post(f"{gateway}/v1/auth/password-reset", json={"email": email}, timeout=30).status_code
        for _ in range(attempts)
    ]
    auth = {"Authorization": f"Bearer {token}"}
    resends = [
        http.post(f"{gateway}/v1/auth/email-verification", headers=auth, timeout=30).status_code
        for _ in range(attempts)
    ]
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            recorded = int(conn.execute(_RECORDED, {"email": email}).scalar_one())
    finally:
        engine.dispose()
    # Every recorded event is a mail on its way (sign-up's verification among them); wait for them all.
    deadline = time.monotonic() + timeout
    while sum((mails := _mails(mail_dir, email)).values()) < recorded and time.monotonic() < deadline:
        time.sleep(0.2)
    return {
        "attempts": attempts,
        "reset": {"statuses": dict(Counter(resets)), "mailed": mails["reset"]},
        # sign-up's own link is one of these: the resends added the rest
        "verification": {"statuses": dict(Counter(resends)), "mailed": mails["verification"]},
        "eventsRecorded": recorded,
        "allDelivered": sum(mails.values()) >= recorded,
    }
