"""The library's search index (server/storage/sql_search.py): searchable items, their words, and how far each
workshop is indexed.

No foreign keys to `workshop`: the index lags the workshops it describes (server/library/indexer.py brings it
up to date, and forgets workshops that are gone), so it must never stop a workshop being written or removed.
On SQLite the words are an FTS5 table sharing the item's rowid; on PostgreSQL a tsvector column under a GIN
index. Empty at first: the indexer fills it at the server's start.

Revision ID: 0006
Revises: 0004 (0005 is being written alongside; this will follow it)
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "search_state",
        sa.Column("workshop_id", sa.String(32), primary_key=True),
        sa.Column("head", sa.BigInteger, nullable=False),
    )
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("workshop_id", sa.String(32), nullable=False),
        sa.Column("item_kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("note_kind", sa.String(64), nullable=True),
        sa.Column("template", sa.String(64), nullable=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    ]
    if postgres:
        from sqlalchemy.dialects.postgresql import TSVECTOR

        op.create_table(
            "search_item",
            sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False, unique=True),  # the order indexed
            *columns,
            sa.Column("terms", TSVECTOR, nullable=False),
            sa.PrimaryKeyConstraint("workshop_id", "item_kind", "item_id"),
        )
        op.create_index("ix_search_item_terms", "search_item", ["terms"], postgresql_using="gin")
    else:
        op.create_table("search_item", sa.Column("id", sa.Integer, primary_key=True), *columns)
        op.create_index("ix_search_item_item", "search_item", ["workshop_id", "item_kind", "item_id"], unique=True)
        # Words already folded and spaced by server/library/text.py: `ascii` splits them at the spaces only.
        # `facets`: what a search may be narrowed to, as words (server/storage/sql_search.py).
        op.execute("CREATE VIRTUAL TABLE search_terms USING fts5(terms, facets, tokenize = 'ascii')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE search_terms")
        op.drop_index("ix_search_item_item", table_name="search_item")
    op.drop_table("search_item")
    op.drop_table("search_state")
