"""Workshops get a short join code (typed at /join) and a switch that closes joining.

`short_code_hash` is an HMAC of the short code under the server's secret key, unique across workshops; it stays
NULL for workshops made before this revision until their facilitator first shows the code (this migration has
no key to derive it with). `short_generation` counts replacements, as `join_generation` does for the join link.
`joining` is true (open) for every existing workshop.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, not a batch copy: SQLite adds nullable or defaulted columns in place, and copying
    # the table would break the foreign keys that point at it.
    op.add_column("workshop", sa.Column("short_code_hash", sa.String(64), nullable=True))
    op.add_column("workshop", sa.Column("short_generation", sa.Integer, nullable=False, server_default="0"))
    op.add_column("workshop", sa.Column("joining", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_index("ix_workshop_short_code", "workshop", ["short_code_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_workshop_short_code", "workshop")
    for column in ("joining", "short_generation", "short_code_hash"):
        op.drop_column("workshop", column)
