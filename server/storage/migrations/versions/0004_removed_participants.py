"""Participants can be removed from a workshop (rule P50): `removed_at` says when, and revokes their token.

NULL (still taking part) for everyone already stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column is added in place (no batch copy, which would break the foreign keys pointing at the table).
    op.add_column("participant", sa.Column("removed_at", sa.BigInteger, nullable=True))


def downgrade() -> None:
    op.drop_column("participant", "removed_at")
