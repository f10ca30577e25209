"""Deleted ids get their own table, filled from the event log and the newest snapshots.

Until now every deleted note and link id was held in memory and written into every snapshot (`deleted`).
Now they live here, one row each, written in the same transaction as the event that deletes them; rooms keep
only a filter of them in memory. This fills the table from what was stored before: the `note.delete` (with
the links deleted with the note) and `link.delete` events, and the `deleted` list of each workshop's newest
snapshot (a board may hold deleted ids whose events it does not have).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import json
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 1000

_events = sa.table(
    "event",
    sa.column("workshop_id", sa.String),
    sa.column("seq", sa.BigInteger),
    sa.column("op", sa.String),
    sa.column("data", sa.Text),
)
_snapshots = sa.table(
    "snapshot", sa.column("workshop_id", sa.String), sa.column("head", sa.BigInteger), sa.column("state", sa.Text)
)
_tombstones = sa.table("tombstone", sa.column("workshop_id", sa.String), sa.column("id", sa.String))


def _from_events(conn: sa.Connection) -> Iterator[tuple[str, str]]:
    rows = conn.execute(
        sa.select(_events.c.workshop_id, _events.c.op, _events.c.data)
        .where(_events.c.op.in_(["note.delete", "link.delete"]))
        .order_by(_events.c.workshop_id, _events.c.seq),
        execution_options={"yield_per": BATCH},
    )
    for workshop_id, name, data in rows:
        fields = json.loads(data)
        yield workshop_id, fields["id"]
        if name == "note.delete":
            for link_id in fields.get("links", ()):
                yield workshop_id, link_id


def _from_snapshots(conn: sa.Connection) -> Iterator[tuple[str, str]]:
    newest = (
        sa.select(_snapshots.c.workshop_id, sa.func.max(_snapshots.c.head).label("head"))
        .group_by(_snapshots.c.workshop_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(_snapshots.c.workshop_id, _snapshots.c.state).join(
            newest, sa.and_(_snapshots.c.workshop_id == newest.c.workshop_id, _snapshots.c.head == newest.c.head)
        ),
        execution_options={"yield_per": 1},
    )
    for workshop_id, state in rows:
        for item_id in json.loads(state).get("deleted", ()):
            yield workshop_id, item_id


def upgrade() -> None:
    op.create_table(
        "tombstone",
        sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshop.id"), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
    )
    conn = op.get_bind()
    seen: set[tuple[str, str]] = set()
    batch: list[dict[str, str]] = []
    for source in (_from_events, _from_snapshots):
        for key in source(conn):
            if key in seen:
                continue
            seen.add(key)
            batch.append({"workshop_id": key[0], "id": key[1]})
            if len(batch) >= BATCH:
                conn.execute(sa.insert(_tombstones), batch)
                batch = []
    if batch:
        conn.execute(sa.insert(_tombstones), batch)


def downgrade() -> None:
    op.drop_table("tombstone")
