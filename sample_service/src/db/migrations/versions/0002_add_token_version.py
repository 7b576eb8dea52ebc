"""Add users.token_version: tokens carry it, and a change of e-mail or password
raises it, so every token issued before the change is refused.

Revision ID: 0002
Revises: 0001
Created: 2026-12-07

Existing users start at 0, the version tokens have carried never (they are
refused anyway: a token without a version is not accepted).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that, and is a
    # plain ALTER TABLE on PostgreSQL.
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
