"""Migrations are expand-only during a release: the live revision keeps working on the new schema.

A release migrates before it promotes (terraform/README.md, "Releases"), so for a while the
previous release's code runs on the new schema. An `upgrade()` may add; it may drop or rename a
table or column (or run such SQL) only when it names it in a module-level `CONTRACTS` tuple
("table" or "table.column"), and only once no library code mentions that name any more: the
release that stopped reading it is the live one. `downgrade()` is not run by a release.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from wellness.migrations import MIGRATIONS

pytestmark = pytest.mark.unit

LIBRARY = MIGRATIONS.parent  # the package the migrations belong to
CONTRACTING_OPS = {"drop_table", "drop_column", "rename_table"}
CONTRACTING_SQL = re.compile(r"\b(DROP\s+(TABLE|COLUMN)|RENAME\s+(TO|COLUMN))\b", re.IGNORECASE)


def migrations() -> list[Path]:
    return sorted((MIGRATIONS / "versions").glob("*.py"))


def contractions(upgrade: ast.FunctionDef) -> list[str]:
    """What an upgrade() drops or renames: table names, or table.column."""
    found = []
    for node in ast.walk(upgrade):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        keywords = {k.arg for k in node.keywords}
        if node.func.attr in CONTRACTING_OPS or (node.func.attr == "alter_column" and "new_column_name" in keywords):
            found.append(".".join(args[:2]) if args else f"<{node.func.attr} of a computed name>")
        if node.func.attr == "execute" and any(CONTRACTING_SQL.search(a) for a in args):
            found.append(f"<SQL: {next(a for a in args if CONTRACTING_SQL.search(a))[:60]}>")
    return found


def declared(tree: ast.Module) -> set[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "CONTRACTS" for t in node.targets):
            return {str(v) for v in ast.literal_eval(node.value)}
    return set()


def library_mentions(name: str) -> list[Path]:
    quoted = re.compile(rf"[\"']{re.escape(name)}[\"']")
    return [
        path
        for path in LIBRARY.rglob("*.py")
        if MIGRATIONS not in path.parents and "tests" not in path.parts and quoted.search(path.read_text())
    ]


def test_the_migrations_are_found() -> None:
    assert migrations(), f"no migrations under {MIGRATIONS / 'versions'}"


@pytest.mark.parametrize("path", migrations(), ids=lambda p: p.stem)
def test_an_upgrade_drops_or_renames_only_what_it_declares_and_no_code_reads(path: Path) -> None:
    tree = ast.parse(path.read_text())
    upgrade = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade")
    allowed = declared(tree)
    for item in contractions(upgrade):
        assert item in allowed, (
            f"{path.name} drops or renames {item} in upgrade(): the live revision may still read it. Ship the "
            "contraction a release later, naming it in CONTRACTS"
        )
    for name in allowed:
        last = name.rsplit(".", 1)[-1]
        assert not library_mentions(last), f"{path.name} contracts {name}, which {library_mentions(last)} still read"


def test_the_check_catches_a_drop_a_rename_and_raw_sql() -> None:
    source = (
        "def upgrade():\n"
        "    op.drop_column('auth_users', 'nickname')\n"
        "    op.alter_column('auth_users', 'email', new_column_name='mail')\n"
        "    op.rename_table('outbox', 'events_outbox')\n"
        "    op.execute('ALTER TABLE program_tasks DROP COLUMN title')\n"
        "    op.add_column('auth_users', sa.Column('x', sa.Text()))\n"
    )
    upgrade = ast.parse(source).body[0]
    assert isinstance(upgrade, ast.FunctionDef)
    assert contractions(upgrade) == [
        "auth_users.nickname",
        "auth_users.email",
        "outbox.events_outbox",
        "<SQL: ALTER TABLE program_tasks DROP COLUMN title>",
    ]
