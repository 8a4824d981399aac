"""What each function's database user is granted, derived from DB_RUNTIME_USERS and the schema.

DB_RUNTIME_USERS is built here from the catalog exactly as Terraform builds it, so these tests
cover every Postgres function the catalog declares, and keep covering new ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from devstack.deploy.db_users import db_runtime_users
from wellness.migrations.grants import (
    DELIVERY,
    PUBLISH,
    PURGE,
    READ,
    RELAY,
    REVOKE,
    WRITE,
    GrantError,
    RuntimeUser,
    runtime_users,
    table_rights,
)
from wellness.migrations.schema import DOMAIN_TABLES, PLATFORM, table_owners

pytestmark = pytest.mark.unit

USERS = runtime_users(json.dumps(db_runtime_users("p")))
OWNERS = table_owners()
LIBRARY = Path(__file__).resolve().parents[3] / "wellness"


def of(function: str) -> RuntimeUser:
    return next(u for u in USERS if u.function == function)


def domain_tables(domain: str) -> set[str]:
    return {table for table, owner in OWNERS.items() if owner == domain}


def test_every_table_has_one_owner_named_after_it() -> None:
    assert set(OWNERS) >= {"outbox", "processed_events", "auth_users", "program_enrollments", "reporting_users"}
    for table, domain in OWNERS.items():
        assert domain == PLATFORM or table.startswith(f"{domain}_"), f"{table} is declared by {domain}"


def test_every_domain_with_tables_is_in_the_schema() -> None:
    declared = {path.parent.name for path in LIBRARY.glob("*/tables.py")}
    assert {module.__name__.split(".")[1] for module in DOMAIN_TABLES} == declared


def test_a_reader_selects_its_domain_s_tables_and_the_ended_sessions_only() -> None:
    rights = table_rights(of("program-tasks-mine"), OWNERS)
    assert rights == {**{table: READ for table in domain_tables("program")}, "revoked_tokens": READ}


def test_a_writer_writes_its_domain_s_tables_and_its_idempotency_keys() -> None:
    assert table_rights(of("program-enroll"), OWNERS) == {
        **{table: WRITE for table in domain_tables("program")},
        "revoked_tokens": READ,
        "idempotency_keys": WRITE,
    }


def test_a_publisher_writes_and_relays_the_outbox_and_auth_ends_sessions() -> None:
    rights = table_rights(of("auth-signup"), OWNERS)
    assert rights == {
        **{table: WRITE for table in domain_tables("auth")},
        "outbox": PUBLISH,
        "revoked_tokens": REVOKE,
        "idempotency_keys": WRITE,
    }


def test_a_subscriber_records_its_deliveries() -> None:
    rights = table_rights(of("reporting-on-task-completed"), OWNERS)
    assert rights == {
        **{table: WRITE for table in domain_tables("reporting")},
        "processed_events": DELIVERY,
        "erased_users": DELIVERY,
        "idempotency_keys": PURGE,
    }


def test_the_relay_marks_and_purges_the_outbox_and_purges_expired_records_and_nothing_else() -> None:
    assert table_rights(of("outbox-relay"), OWNERS) == {
        "outbox": RELAY | PURGE,
        "idempotency_keys": PURGE,
        "revoked_tokens": PURGE,
    }


@pytest.mark.parametrize("user", USERS, ids=lambda u: u.function)
def test_no_function_reaches_another_domain_s_tables(user: RuntimeUser) -> None:
    rights = table_rights(user, OWNERS)
    assert {OWNERS[table] for table in rights} <= {user.domain, PLATFORM, *user.reads}
    assert all(rights[table] == READ for table in rights if OWNERS[table] in user.reads)  # only ever SELECT
    if user.reads_only:
        assert all(rights[table] == READ for table in rights if OWNERS[table] != PLATFORM)
    assert ("processed_events" in rights) == (user.kind == "subscriber") == ("erased_users" in rights)
    assert ("outbox" in rights) == user.publishes


def test_every_get_endpoint_on_postgres_is_a_reader() -> None:
    readers = {u.function for u in USERS if u.reads_only}
    assert readers == {u.function for u in USERS if u.kind == "http" and (u.route or "").startswith("GET ")}
    assert {"program-list", "program-tasks-mine", "reporting-summary"} <= readers


def test_the_account_s_export_reads_the_domains_the_catalog_names_and_writes_nothing() -> None:
    rights = table_rights(of("auth-export-me"), OWNERS)
    read = {table for table, owner in OWNERS.items() if owner in {"auth", "program", "reporting", "notifications"}}
    assert rights == {**{table: READ for table in read}, "revoked_tokens": READ}
    assert [u.function for u in USERS if u.reads] == ["auth-export-me"]  # nobody else reads across domains


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("not json", "not JSON"),
        ("[]", "must be a JSON object"),
        ('{"u": "x"}', "must be an object"),
        ('{"u": {"function": "f", "domain": "d", "kind": "cron", "route": null, "publishes": false}}', "kind"),
        ('{"u": {"function": "f", "domain": "d", "kind": "job", "route": 3, "publishes": false}}', "route"),
        ('{"u": {"function": "f", "domain": "d", "kind": "job", "route": null, "publishes": "yes"}}', "publishes"),
        ('{"u": {"function": "", "domain": "d", "kind": "job", "route": null, "publishes": true}}', "non-empty"),
        (
            '{"u": {"function": "f", "domain": "d", "kind": "http", "route": null, "publishes": false, "reads": "x"}}',
            "reads",
        ),
        (
            '{"u": {"function": "f", "domain": "d", "kind": "job", "route": null, "publishes": false,'
            ' "reads": ["platform"]}}',
            "reads",
        ),
    ],
)
def test_malformed_runtime_users_are_refused_by_name(raw: str, problem: str) -> None:
    with pytest.raises(GrantError, match=re.escape(problem)):
        runtime_users(raw)
