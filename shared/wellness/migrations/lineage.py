"""Which migrations the database has seen, so that an older release can tell "ahead" from "unknown".

Alembic keeps only the database's current revision (`alembic_version`). A rollback redeploys an
older release, whose migration job knows only the older migration files: to Alembic the newer
revision is unknown, and `upgrade` stops with "Can't locate revision". Every upgrade therefore
also records each revision it knows with its parent in `alembic_lineage`. An older job walks
that record from the database's revision down to one it knows: if that is its own head, the
newer revisions descend from its code (migrations are expand-only, so its code runs on the
newer schema) and it migrates nothing; any other answer is an error that names the revisions.
"""

from __future__ import annotations

import dataclasses

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

TABLE = "alembic_lineage"  # written out in the statements below


class LineageError(Exception):
    """The database is at a revision this release cannot place below its own head."""


@dataclasses.dataclass(frozen=True)
class Ahead:
    """The database is ahead of this release: at `database`, which descends from `code` (this release's head)."""

    database: tuple[str, ...]
    code: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"the database is at {', '.join(self.database)}, ahead of this release's head {', '.join(self.code)}, "
            "and descends from it: nothing to migrate (migrations are expand-only)"
        )


def record(conn: Connection, script: ScriptDirectory) -> None:
    """Remember every revision `script` knows with its parents (idempotent)."""
    conn.execute(
        text("CREATE TABLE IF NOT EXISTS alembic_lineage (revision VARCHAR(64) PRIMARY KEY, down_revision TEXT)")
    )
    for revision in script.walk_revisions():
        parents = revision.down_revision
        joined = ",".join(parents) if isinstance(parents, tuple) else parents
        conn.execute(
            text("INSERT INTO alembic_lineage VALUES (:r, :d) ON CONFLICT (revision) DO NOTHING"),
            {"r": revision.revision, "d": joined},
        )


def ahead_of(conn: Connection, script: ScriptDirectory) -> Ahead | None:
    """`Ahead` when the database's revision is unknown to `script` but descends from its head; None when known.

    Raises `LineageError` when the database is at a revision that is neither known nor recorded
    as a descendant of this release's head (another branch, or a database this project never
    migrated).
    """
    current = MigrationContext.configure(conn).get_current_heads()
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = [head for head in current if head not in known]
    if not unknown:
        return None
    heads = set(script.get_heads())
    parents = _recorded_parents(conn)
    for head in unknown:
        for ancestor in _known_ancestors(head, parents, known):
            if ancestor not in heads:
                raise LineageError(
                    f"the database is at {head}, which descends from {ancestor}, not from this release's head "
                    f"{', '.join(sorted(heads))}: it was migrated by another branch"
                )
    return Ahead(database=tuple(sorted(current)), code=tuple(sorted(heads)))


def _recorded_parents(conn: Connection) -> dict[str, tuple[str, ...]]:
    exists = conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": TABLE}).scalar()
    if not exists:
        return {}
    rows = conn.execute(text("SELECT revision, down_revision FROM alembic_lineage")).all()
    return {revision: tuple(filter(None, (down or "").split(","))) for revision, down in rows}


def _known_ancestors(head: str, parents: dict[str, tuple[str, ...]], known: set[str]) -> set[str]:
    """The nearest revisions below `head` that this release knows, following the recorded lineage."""
    found: set[str] = set()
    pending, seen = [head], set()
    while pending:
        revision = pending.pop()
        if revision in seen:
            continue
        seen.add(revision)
        if revision in known:
            found.add(revision)
        elif revision in parents:
            pending.extend(parents[revision])
        else:
            raise LineageError(
                f"the database is at {head}, a revision this release does not know, and no recorded lineage "
                f"leads from {revision} to one it does (was it migrated by this project?)"
            )
    if not found:
        raise LineageError(f"the database is at {head}, whose recorded lineage meets no revision of this release")
    return found
