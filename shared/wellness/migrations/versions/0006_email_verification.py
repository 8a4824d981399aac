"""E-mail verification (auth): when an account proved its address, and the mailed links.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("auth_users", sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    op.create_table(
        "auth_email_verifications",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_auth_email_verifications_user_id", "auth_email_verifications", ["user_id"])


def downgrade() -> None:
    op.drop_table("auth_email_verifications")
    op.drop_column("auth_users", "email_verified_at")
