"""The tables: workshops, participants, the event log, board snapshots, and deleted ids (accounts and
organisations have theirs in account_tables.py).

The event log is the record of truth; a snapshot is a shortcut that lets loading replay only the events after
it. Migrations under `migrations/` create exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Text, text, true
from sqlmodel import Field, SQLModel

import server.storage.account_tables  # noqa: F401 - the tables workshops and participants point at


class WorkshopRow(SQLModel, table=True):
    __tablename__ = "workshop"
    # No two workshops share a short code (NULLs, not yet assigned, do not count).
    __table_args__ = (Index("ix_workshop_short_code", "short_code_hash", unique=True),)

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    question: str = Field(sa_column=Column(Text, nullable=False))
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    facilitator_key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    join_code_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    join_generation: int = Field(sa_column=Column(Integer, nullable=False, server_default="0"))
    short_code_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    short_generation: int = Field(sa_column=Column(Integer, nullable=False, server_default="0"))
    joining: bool = Field(sa_column=Column(Boolean, nullable=False, server_default=true()))
    # The organisation it belongs to (server/accounts); NULL for a quick workshop made without an account.
    organisation_id: str | None = Field(
        default=None, sa_column=Column(String(32), ForeignKey("organisation.id"), nullable=True, index=True)
    )
    owner_id: str | None = Field(default=None, sa_column=Column(String(32), ForeignKey("account.id"), nullable=True))
    template: str | None = Field(default=None, sa_column=Column(String(60), nullable=True))


class ParticipantRow(SQLModel, table=True):
    __tablename__ = "participant"

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    workshop_id: str = Field(sa_column=Column(String(32), ForeignKey("workshop.id"), nullable=False, index=True))
    name: str = Field(sa_column=Column(String(40), nullable=False))
    colour: str = Field(sa_column=Column(String(7), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    joined_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_seen_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    # When the facilitator removed them (rule P50); NULL while they take part. Their token stops working.
    removed_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # The account that facilitates as this participant (its session, not a token, opens the board).
    account_id: str | None = Field(default=None, sa_column=Column(String(32), ForeignKey("account.id"), nullable=True))


class EventRow(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        # A client operation id is applied once per participant: the database holds the line too.
        Index(
            "ix_event_client_op",
            "workshop_id",
            "by",
            "cid",
            unique=True,
            sqlite_where=text("cid IS NOT NULL"),
            postgresql_where=text("cid IS NOT NULL"),
        ),
    )

    workshop_id: str = Field(sa_column=Column(String(32), ForeignKey("workshop.id"), primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    op: str = Field(sa_column=Column(String(32), nullable=False))
    by: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    cid: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    data: str = Field(sa_column=Column(Text, nullable=False))  # JSON


class SnapshotRow(SQLModel, table=True):
    __tablename__ = "snapshot"

    workshop_id: str = Field(sa_column=Column(String(32), ForeignKey("workshop.id"), primary_key=True))
    head: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    state: str = Field(sa_column=Column(Text, nullable=False))  # JSON: Board.to_dict()
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class TombstoneRow(SQLModel, table=True):
    """A deleted note or link id: it stays taken for ever (written with the event that deleted it)."""

    __tablename__ = "tombstone"

    workshop_id: str = Field(sa_column=Column(String(32), ForeignKey("workshop.id"), primary_key=True))
    id: str = Field(sa_column=Column(String(64), primary_key=True))
