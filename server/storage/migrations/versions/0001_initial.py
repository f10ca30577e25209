"""The first schema: workshops, participants, the event log and board snapshots.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("facilitator_key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("join_code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("join_generation", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshop.id"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("colour", sa.String(7), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("joined_at", sa.BigInteger, nullable=False),
        sa.Column("last_seen_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_participant_workshop_id", "participant", ["workshop_id"])
    op.create_table(
        "event",
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshop.id"), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("op", sa.String(32), nullable=False),
        sa.Column("by", sa.String(32), nullable=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("cid", sa.String(64), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_event_client_op",
        "event",
        ["workshop_id", "by", "cid"],
        unique=True,
        sqlite_where=sa.text("cid IS NOT NULL"),
        postgresql_where=sa.text("cid IS NOT NULL"),
    )
    op.create_table(
        "snapshot",
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshop.id"), primary_key=True),
        sa.Column("head", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("snapshot")
    op.drop_index("ix_event_client_op", table_name="event")
    op.drop_table("event")
    op.drop_index("ix_participant_workshop_id", table_name="participant")
    op.drop_table("participant")
    op.drop_table("workshop")
