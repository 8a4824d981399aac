"""The local SMTP sink: accepts every mail and keeps it as one .eml file in a folder.

`scripts/dev up` runs it (`python -m devstack.stack.mailsink --port N --dir D`); the
`smtp_sink` pytest fixture runs it in-process; `scripts/dev mail` lists and prints
what it received. Nothing is relayed anywhere.

    Usage::

        sink = MailSink(Path("/tmp/mail"), port=free_port()).start()
        sink.messages()[0]["Subject"]   # -> 'Welcome to Wellness, Ada'
        sink.stop()
"""

from __future__ import annotations

import argparse
import email
import email.parser
import email.policy
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from devstack.stack.procs import LOCALHOST, until_stopped


class _SaveToFolder:
    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            # Sortable names: the newest mail is the last file.
            name = f"{time.time_ns():020d}.eml"
            tmp = self.folder / (name + ".tmp")
            tmp.write_bytes(envelope.original_content or envelope.content)
            tmp.replace(self.folder / name)
        return "250 OK"


class MailSink:
    def __init__(self, folder: Path, port: int, host: str = LOCALHOST):
        self.folder = Path(folder)
        self.host, self.port = host, port
        self._controller: Controller | None = None

    def start(self) -> MailSink:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(_SaveToFolder(self.folder), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[EmailMessage]:
        return read_mail(self.folder)


def read_mail(folder: Path) -> list[EmailMessage]:
    """Every mail received in folder, oldest first."""
    out = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        out.append(message)
    return out


def newest_first(folder: Path, wanted: Callable[[EmailMessage], bool], skip: set[str]) -> Iterator[EmailMessage]:
    """The mails in folder that `wanted` accepts, newest first, reading no file named in `skip`.

    `wanted` sees the headers only; only an accepted mail is read whole. Every file looked at
    joins `skip`, so a caller polling for a mail that has not arrived yet reads each file once,
    however many thousand a long test run has left in the folder.
    """
    headers = email.parser.BytesHeaderParser(policy=email.policy.default)
    for path in sorted(Path(folder).glob("*.eml"), reverse=True):
        if path.name in skip:
            continue
        skip.add(path.name)
        head = headers.parsebytes(path.read_bytes())
        assert isinstance(head, EmailMessage)
        if wanted(head):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            yield message


def main() -> None:
    parser = argparse.ArgumentParser(description="local SMTP sink: one .eml per mail")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    sink = MailSink(args.dir, args.port).start()
    until_stopped(f"mail sink on {LOCALHOST}:{args.port}, saving to {args.dir}")
    sink.stop()


if __name__ == "__main__":
    main()
