"""Facilitator accounts and organisations (server/accounts): accounts with their sessions and password resets,
organisations with their members and invitations; a workshop may belong to an organisation, and a participant
may be an account's way of facilitating a workshop.

Every existing workshop stays a quick workshop (no organisation), every participant has no account.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "account_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(32), sa.ForeignKey("account.id"), nullable=False, index=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "password_reset",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(32), sa.ForeignKey("account.id"), nullable=False, index=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("used_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "membership",
        sa.Column("organisation_id", sa.String(32), sa.ForeignKey("organisation.id"), primary_key=True),
        sa.Column("account_id", sa.String(32), sa.ForeignKey("account.id"), primary_key=True, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "invitation",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("organisation_id", sa.String(32), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("invited_by", sa.String(32), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("used_at", sa.BigInteger, nullable=True),
    )
    # Nullable columns are added in place (no batch copy, which would break the foreign keys pointing at the tables).
    _add_reference("workshop", "organisation_id", "organisation")
    op.create_index("ix_workshop_organisation_id", "workshop", ["organisation_id"])
    _add_reference("workshop", "owner_id", "account")
    op.add_column("workshop", sa.Column("template", sa.String(60), nullable=True))
    _add_reference("participant", "account_id", "account")


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable column referring to `target`'s id. SQLite adds one with its REFERENCES clause in place, but
    Alembic would only add such a constraint by copying the table, so SQLite is given the statement itself."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(32) REFERENCES {target} (id)")
    else:
        op.add_column(table, sa.Column(column, sa.String(32), sa.ForeignKey(f"{target}.id"), nullable=True))


def downgrade() -> None:
    op.drop_column("participant", "account_id")
    op.drop_column("workshop", "template")
    op.drop_column("workshop", "owner_id")
    op.drop_index("ix_workshop_organisation_id", "workshop")
    op.drop_column("workshop", "organisation_id")
    for table in ("invitation", "membership", "organisation", "password_reset", "account_session", "account"):
        op.drop_table(table)
