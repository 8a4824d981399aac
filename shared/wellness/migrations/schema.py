"""The one database schema: every Postgres domain's tables on the shared metadata, and who owns each.

Each domain declares its tables in its own `tables.py`; the platform declares the outbox and
the processed-event records. Alembic's environment migrates `metadata`, and the grants give
each function the tables of its domain (`table_owners()`): a table belongs to the domain whose
`tables.py` defines it, so a new table reaches its domain's functions with no list to update.

    >>> table_owners()["program_enrollments"], table_owners()["outbox"]
    ('program', 'platform')
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import Table

from wellness.auth import tables as auth
from wellness.notifications import tables as notifications
from wellness.platform.postgres import tables as platform
from wellness.platform.postgres.tables import metadata
from wellness.program import tables as program
from wellness.reporting import tables as reporting

PLATFORM = "platform"  # the catalog's domain of the platform's own functions (the outbox relay, the migrations)
# Every Postgres domain's tables module (a test checks none is missing): importing them puts their
# tables on `metadata`, and static imports are what packaging follows into db-migrate's bundle.
DOMAIN_TABLES: tuple[ModuleType, ...] = (auth, notifications, program, reporting)

__all__ = ["DOMAIN_TABLES", "PLATFORM", "metadata", "table_owners"]


def _owner(module: ModuleType) -> str:
    return PLATFORM if module is platform else module.__name__.split(".")[1]


def table_owners() -> dict[str, str]:
    """Every table of the metadata by name, with the domain that owns it ("platform" for the platform's)."""
    owners: dict[str, str] = {}
    for module in (platform, *DOMAIN_TABLES):
        owner = _owner(module)
        for value in vars(module).values():
            if isinstance(value, Table) and value.metadata is metadata:
                if owners.setdefault(value.name, owner) != owner:
                    raise ValueError(f"table {value.name} is declared by both {owners[value.name]} and {owner}")
    unowned = set(metadata.tables) - set(owners)
    if unowned:
        raise ValueError(f"tables {sorted(unowned)} are on the metadata but in no domain's tables module")
    return owners
