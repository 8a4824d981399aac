"""Erased users (the platform's: wellness.platform.erasure): one tombstone per deleted account, by pseudonym.

Reporting kept its own tombstone (reporting_users.deleted_at, with the raw user id): those
become platform tombstones (SHA-256 of "erased-user:" and the id, as `erasure.pseudonym`). The
live release still reads them while this one is a candidate (expand only): the next release
deletes those rows and drops the column, naming it in CONTRACTS. Idempotency records name their
caller's pseudonym, so user.deleted can erase them.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# erasure.pseudonym in SQL: the hex SHA-256 of "erased-user:" and the id as text (lower case, hyphenated)
CARRY_OVER_TOMBSTONES = (
    "INSERT INTO erased_users (key, erased_at)"
    " SELECT encode(sha256(convert_to('erased-user:' || user_id::text, 'UTF8')), 'hex'), deleted_at"
    " FROM reporting_users WHERE deleted_at IS NOT NULL ON CONFLICT DO NOTHING"
)


def upgrade() -> None:
    op.create_table(
        "erased_users",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.execute(CARRY_OVER_TOMBSTONES)
    op.add_column("idempotency_keys", sa.Column("owner", sa.String(64)))
    op.create_index("ix_idempotency_keys_owner", "idempotency_keys", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_owner", "idempotency_keys")
    op.drop_column("idempotency_keys", "owner")
    op.drop_table("erased_users")
