"""Throttle rows expire (and are purged); their keys are keyed hashes, so the raw client addresses go.

Rows written before this revision keyed client addresses in clear ("client:203.0.113.7") and
e-mail addresses by a bare SHA-256: they are deleted (a throttle that forgets its counts once,
at the deploy, is the lesser harm than keeping addresses).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM auth_login_throttle")
    op.add_column(
        "auth_login_throttle",
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_auth_login_throttle_expires_at", "auth_login_throttle", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_auth_login_throttle_expires_at", "auth_login_throttle")
    op.drop_column("auth_login_throttle", "expires_at")
