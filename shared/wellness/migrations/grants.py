"""Each runtime database user gets exactly the table rights its function needs; nobody else gets any.

Run by the migration job after `alembic upgrade head`, as the user that owns every table
(terraform/README.md, "Database rights"). Terraform hands the job `DB_RUNTIME_USERS`, one entry
per Postgres function: `{user: {function, domain, kind, route, publishes, reads}}`. From that and the
schema (`schema.table_owners()`: a table belongs to the domain whose `tables.py` declares it):

- its domain's tables: `SELECT` for an endpoint that only reads (a GET route: its service uses
  `unit_of_work.read`, which always rolls back), else `SELECT, INSERT, UPDATE, DELETE`;
- the tables of the other domains its catalog entry `reads` (the account's export): `SELECT`;
  `USAGE, SELECT` on their sequences for a writer (nextval, currval);
- the outbox, when it publishes: `INSERT` (events written in the use case's transaction) and
  `SELECT, UPDATE` (the prompt publish after commit locks its rows `FOR UPDATE` and marks them
  published); the relay (the platform's job) only `SELECT, UPDATE`;
- the processed-event records, for a subscriber: `INSERT` (the delivery, in the handler's
  transaction, `ON CONFLICT DO NOTHING`) and `SELECT` (its `RETURNING`); the same on the erased
  users' tombstones (`erased_users`: checked before every event, written on `user.deleted`), and
  `SELECT, DELETE` on the idempotency keys (`user.deleted` erases the user's stored answers);
- for an endpoint: `SELECT` on the ended-session records (`revoked_tokens`, checked by every
  unit of work serving a caller; auth's writers also `INSERT, UPDATE`: they end sessions), and,
  unless it only reads, the idempotency keys (`idempotency_keys`);
- the relay job also `DELETE`s: published outbox rows past their retention, expired keys and
  ended-session records;
- `USAGE` on the schema.

Every other right on the owner's tables and sequences, and any schema `USAGE` it granted, is
revoked: from a listed user what it no longer needs, from everyone else all of it. Then
`ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`: tables and sequences are
created with no rights for anyone but their owner (PostgreSQL's default), functions with EXECUTE
for PUBLIC, which this takes away. All in one transaction: a failure changes nothing.

    >>> user = RuntimeUser("u", "program-tasks-mine", "program", "http", "GET /v1/me/tasks", False, ())
    >>> sorted(table_rights(user, {"program_tasks": "program", "outbox": "platform"}).items())
    [('program_tasks', frozenset({'SELECT'})), ('revoked_tokens', frozenset({'SELECT'}))]
    >>> grant_runtime_users(None, {})   # no DB_RUNTIME_USERS (locally): the database is not even opened
    {'grants': 'skipped'}
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, text

from wellness.platform.postgres.tables import erased_users, idempotency_keys, outbox, processed_events, revoked_tokens

from .schema import PLATFORM, table_owners

log = logging.getLogger(__name__)

RUNTIME_USERS = "DB_RUNTIME_USERS"
SCHEMA = "public"
KINDS = ("http", "subscriber", "job")
READ = frozenset({"SELECT"})
WRITE = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
SEQUENCE_WRITE = frozenset({"USAGE", "SELECT"})
RELAY = frozenset({"SELECT", "UPDATE"})  # SELECT ... FOR UPDATE SKIP LOCKED, then mark published
PUBLISH = RELAY | {"INSERT"}
DELIVERY = frozenset({"SELECT", "INSERT"})  # INSERT ... ON CONFLICT DO NOTHING RETURNING event_id
REVOKE = frozenset({"SELECT", "INSERT", "UPDATE"})  # INSERT ... ON CONFLICT DO UPDATE (the later expiry)
PURGE = frozenset({"SELECT", "DELETE"})  # DELETE ... WHERE expired (the relay job)
READ_METHODS = ("GET", "HEAD")


class GrantError(RuntimeError):
    """DB_RUNTIME_USERS or the database is not what the grants need; nothing was changed."""


@dataclasses.dataclass(frozen=True)
class RuntimeUser:
    """One function's database user, as Terraform describes it in DB_RUNTIME_USERS."""

    name: str
    function: str
    domain: str
    kind: str
    route: str | None
    publishes: bool
    reads: tuple[str, ...]  # other domains whose tables it may SELECT

    @property
    def reads_only(self) -> bool:
        """An endpoint whose method only reads: its service answers with `unit_of_work.read`."""
        return self.kind == "http" and (self.route or "").split(" ", 1)[0].upper() in READ_METHODS


def runtime_users(raw: str) -> list[RuntimeUser]:
    """Parse DB_RUNTIME_USERS, refusing anything malformed (before the database is touched).

    >>> runtime_users('{"fn-outbox-relay@p.iam": {"function": "outbox-relay", "domain": "platform",'
    ...               ' "kind": "job", "route": null, "publishes": true, "reads": []}}')[0].kind
    'job'
    """
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        raise GrantError(f"{RUNTIME_USERS} is not JSON: {exc}") from None
    if not isinstance(entries, dict):
        raise GrantError(f"{RUNTIME_USERS} must be a JSON object {{user: {{function, domain, kind, ...}}}}")
    users = []
    for name, entry in sorted(entries.items()):
        problem = _problem(name, entry)
        if problem:
            raise GrantError(f"{RUNTIME_USERS}[{name!r}]: {problem}")
        users.append(
            RuntimeUser(
                name,
                entry["function"],
                entry["domain"],
                entry["kind"],
                entry["route"],
                entry["publishes"],
                tuple(entry.get("reads", [])),
            )
        )
    return users


def _problem(name: str, entry: Any) -> str | None:
    if not name or not isinstance(entry, dict):
        return "must be an object {function, domain, kind, route, publishes, reads}"
    if not all(isinstance(entry.get(k), str) and entry[k] for k in ("function", "domain", "kind")):
        return "function, domain and kind must be non-empty strings"
    if entry["kind"] not in KINDS:
        return f"kind must be one of {KINDS}"
    if not (entry.get("route") is None or isinstance(entry["route"], str)):
        return "route must be a string or null"
    if not isinstance(entry.get("publishes"), bool):
        return "publishes must be true or false"
    reads = entry.get("reads", [])  # absent: a job description from before `reads` (nothing more to read)
    if not (isinstance(reads, list) and all(isinstance(d, str) and d and d != PLATFORM for d in reads)):
        return "reads must be a list of domain names (never the platform's)"
    return None


def table_rights(user: RuntimeUser, owners: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """The rights `user` needs on each table (tables it needs nothing on are left out)."""
    own = READ if user.reads_only else WRITE
    rights = {table: own for table, domain in owners.items() if domain == user.domain and domain != PLATFORM}
    rights.update({table: READ for table, domain in owners.items() if domain in user.reads and domain != user.domain})
    relay = user.domain == PLATFORM and user.kind == "job"
    if user.publishes:
        # The platform's own publisher is the relay: it writes no event of its own, and purges published rows.
        rights[outbox.name] = RELAY | PURGE if relay else PUBLISH
    if user.kind == "subscriber":
        rights[processed_events.name] = DELIVERY
        # wellness.platform.erasure: every subscriber checks the tombstones and user.deleted writes them
        rights[erased_users.name] = DELIVERY
        rights[idempotency_keys.name] = PURGE  # user.deleted erases the user's stored answers
    if user.kind == "http":
        # Every unit of work serving a caller checks the caller's ended sessions; auth's writers end them.
        rights[revoked_tokens.name] = REVOKE if user.domain == "auth" and not user.reads_only else READ
        if not user.reads_only:  # a POST or DELETE may carry an Idempotency-Key, kept in its own store
            rights[idempotency_keys.name] = WRITE
    if relay:  # the relay's housekeeping: expired keys and ended-session records
        rights[idempotency_keys.name] = PURGE
        rights[revoked_tokens.name] = PURGE
    return rights


@dataclasses.dataclass(frozen=True)
class Relation:
    name: str
    kind: str  # "TABLE" or "SEQUENCE"
    table: str | None  # a sequence's owning table (serial or identity column), a table's own name


def _relations(conn: Connection) -> list[Relation]:
    """The tables and sequences the current user owns in the schema."""
    rows = conn.execute(
        text(
            """
            SELECT c.relname, c.relkind, t.relname AS owning_table
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_class t ON t.oid = d.refobjid
            WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
            """
        ),
        {"schema": SCHEMA},
    ).all()
    return [
        Relation(name, "SEQUENCE" if kind == "S" else "TABLE", owning if kind == "S" else name)
        for name, kind, owning in rows
    ]


def _held(conn: Connection) -> dict[tuple[str, str], set[str]]:
    """{(grantee, relation): rights} on the current user's relations in the schema, its own left out."""
    rows = conn.execute(
        text(
            """
            SELECT COALESCE(r.rolname, 'PUBLIC'), c.relname, a.privilege_type
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL aclexplode(c.relacl) a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
              AND a.grantee <> c.relowner
            """
        ),
        {"schema": SCHEMA},
    ).all()
    held: dict[tuple[str, str], set[str]] = {}
    for grantee, relation, right in rows:
        held.setdefault((grantee, relation), set()).add(right)
    return held


def _schema_usage(conn: Connection) -> set[str]:
    """Who holds USAGE on the schema by the current user's grant."""
    rows = conn.execute(
        text(
            """
            SELECT COALESCE(r.rolname, 'PUBLIC')
            FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = :schema AND a.privilege_type = 'USAGE'
              AND a.grantor = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND a.grantee <> a.grantor
            """
        ),
        {"schema": SCHEMA},
    ).all()
    return {grantee for (grantee,) in rows}


def _check(
    conn: Connection, users: Iterable[RuntimeUser], owners: Mapping[str, str], relations: list[Relation]
) -> None:
    """Refuse, before any change, what would make the grants fail half-way or silently do nothing."""
    names = [u.name for u in users]
    existing = set(conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"), {"n": names}).scalars())
    missing = sorted(set(names) - existing)
    if missing:
        raise GrantError(f"database users {missing} do not exist (Terraform creates them before the job runs)")
    domains = {d for d in owners.values()} | {PLATFORM}
    unknown = sorted({f"{u.function}: {d}" for u in users for d in (u.domain, *u.reads) if d not in domains})
    if unknown:
        raise GrantError(f"these functions' domains own no table: {unknown}")
    owned = {r.name for r in relations if r.kind == "TABLE"}
    not_owned = sorted(set(owners) - owned)
    if not_owned:
        raise GrantError(f"tables {not_owned} are missing from schema {SCHEMA} or not owned by the migration user")
    granted = conn.execute(
        text("SELECT has_schema_privilege(current_user, :schema, 'USAGE WITH GRANT OPTION')"), {"schema": SCHEMA}
    ).scalar()
    if not granted:
        raise GrantError(
            f"the migration user may not grant USAGE on schema {SCHEMA}: run the database bootstrap "
            "(terraform/README.md, step 8), which grants it WITH GRANT OPTION"
        )


def _quote(conn: Connection, name: str) -> str:
    """A role, table or schema name as SQL: quoted where it must be (users are e-mail addresses)."""
    return "PUBLIC" if name == "PUBLIC" else conn.dialect.identifier_preparer.quote(name)


def reconcile(conn: Connection, users: list[RuntimeUser], owners: Mapping[str, str] | None = None) -> list[str]:
    """Make the grants on the current user's tables exactly what `users` need; the statements run.

    Runs in the caller's transaction. Nothing to change gives no statement, so a second run is empty.
    """
    owners = table_owners() if owners is None else owners
    relations = _relations(conn)
    _check(conn, users, owners, relations)
    wanted: dict[tuple[str, str], frozenset[str]] = {}
    for user in users:
        rights = table_rights(user, owners)
        for relation in relations:
            on_table = rights.get(relation.table or "", frozenset())
            if relation.kind == "SEQUENCE":
                on_table = SEQUENCE_WRITE if on_table & {"INSERT", "UPDATE"} else frozenset()
            if on_table:
                wanted[(user.name, relation.name)] = on_table
    held = _held(conn)
    kinds = {r.name: r.kind for r in relations}
    statements = []
    for grantee, name in sorted(set(held) | set(wanted)):
        what, who = f"{kinds[name]} {_quote(conn, name)}", _quote(conn, grantee)
        extra = held.get((grantee, name), set()) - wanted.get((grantee, name), frozenset())
        missing = wanted.get((grantee, name), frozenset()) - held.get((grantee, name), set())
        if extra:
            statements.append(f"REVOKE {', '.join(sorted(extra))} ON {what} FROM {who}")
        if missing:
            statements.append(f"GRANT {', '.join(sorted(missing))} ON {what} TO {who}")
    schema, listed, using = _quote(conn, SCHEMA), {u.name for u in users}, _schema_usage(conn)
    statements += [f"REVOKE USAGE ON SCHEMA {schema} FROM {_quote(conn, r)}" for r in sorted(using - listed)]
    statements += [f"GRANT USAGE ON SCHEMA {schema} TO {_quote(conn, r)}" for r in sorted(listed - using)]
    if not _functions_private_by_default(conn):
        statements.append("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
    for statement in statements:
        log.info("grants: %s", statement)
        conn.execute(text(statement))
    return statements


def _functions_private_by_default(conn: Connection) -> bool:
    """Whether the current user's new functions already start without EXECUTE for PUBLIC."""
    return bool(
        conn.execute(
            text(
                """
                SELECT EXISTS (
                    SELECT 1 FROM pg_default_acl d
                    WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                      AND d.defaclnamespace = 0 AND d.defaclobjtype = 'f'
                      AND NOT EXISTS (SELECT 1 FROM aclexplode(d.defaclacl) a WHERE a.grantee = 0)
                )
                """
            )
        ).scalar()
    )


def grant_runtime_users(engine: Engine, env: Mapping[str, str]) -> dict[str, Any]:
    """Reconcile the grants when DB_RUNTIME_USERS is set (the cloud); locally nothing changes.

    The summary is what the migration job answers: how many users, and the statements run.
    """
    raw = env.get(RUNTIME_USERS)
    if raw is None:
        return {"grants": "skipped"}
    users = runtime_users(raw)
    with engine.begin() as conn:
        statements = reconcile(conn, users)
    return {"grants": {"users": len(users), "changes": len(statements)}}
