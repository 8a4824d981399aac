"""The account's export (`GET /v1/me/export`): everything the service holds about the caller, in one document.

Each domain that keeps anything of a user exports its own part (`user_export` in its
`public.py`, in a read of its own store, every section bounded: wellness.platform.export);
this puts the parts together under the domains' names, after auth's own (the account: no
account, no export).

    >>> parts = {"auth": lambda u: {"account": {"id": u}}, "profile": lambda u: {"profile": None}}
    >>> export = AccountExport(parts, max_bytes=1000, now=lambda: "2026-01-02T03:04:05.000000Z")
    >>> document = export.export("u-1")
    >>> document["auth"], document["profile"], list(document)
    ({'account': {'id': 'u-1'}}, {'profile': None}, ['userId', 'exportedAt', 'auth', 'profile'])
    >>> AccountExport({**parts, "auth": lambda u: {"account": None}}, max_bytes=1000).export("gone")
    Traceback (most recent call last):
    ...
    wellness.platform.errors.NotFoundError: There is no account to export (it was deleted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..platform.clock import timestamp
from ..platform.errors import NotFoundError
from ..platform.export import Exporter, check_size, max_bytes, max_records

if TYPE_CHECKING:
    from ..platform.runtime import Runtime

OWN = "auth"


class AccountExport:
    def __init__(self, parts: Mapping[str, Exporter], *, max_bytes: int, now: Callable[[], str] = timestamp):
        if next(iter(parts), None) != OWN:
            raise ValueError("the account's own part comes first: no account, nothing else is read")
        self._parts = parts
        self._max_bytes = max_bytes
        self._now = now

    def export(self, user_id: str) -> dict[str, Any]:
        """The document: the user id, when it was made, then each domain's part (413 past the bounds)."""
        document: dict[str, Any] = {"userId": user_id, "exportedAt": self._now()}
        for domain, part in self._parts.items():
            document[domain] = part(user_id)
            if domain == OWN and document[OWN].get("account") is None:
                raise NotFoundError("account_not_found", "There is no account to export (it was deleted).")
        check_size(document, self._max_bytes)
        return document


def account_export(runtime: Runtime, others: Mapping[str, Exporter]) -> AccountExport:
    """The account's own part on auth's store, then `others` (each domain's `user_export`, by domain name).

    The function's `main.py` names the other domains' parts: auth imports none of them (notifications
    imports auth's public module; a domain that imported them all would close a cycle).
    EXPORT_MAX_RECORDS and EXPORT_MAX_BYTES bound it.
    """
    from .adapters import PostgresAuthStore

    accounts, limit = runtime.postgres_unit_of_work(PostgresAuthStore), max_records(runtime.env)

    def own(user_id: str) -> dict[str, Any]:
        return accounts.read(lambda store: store.export_user(user_id, limit))

    return AccountExport({OWN: own, **others}, max_bytes=max_bytes(runtime.env))
