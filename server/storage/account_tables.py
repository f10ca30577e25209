"""The tables of accounts and organisations: accounts, their sessions and password resets, organisations, their
members and invitations. Tokens are stored only as SHA-256 hashes."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, String
from sqlmodel import Field, SQLModel


class AccountRow(SQLModel, table=True):
    __tablename__ = "account"

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class AccountSessionRow(SQLModel, table=True):
    __tablename__ = "account_session"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    account_id: str = Field(sa_column=Column(String(32), ForeignKey("account.id"), nullable=False, index=True))
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class PasswordResetRow(SQLModel, table=True):
    __tablename__ = "password_reset"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    account_id: str = Field(sa_column=Column(String(32), ForeignKey("account.id"), nullable=False, index=True))
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    used_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class OrganisationRow(SQLModel, table=True):
    __tablename__ = "organisation"

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class MembershipRow(SQLModel, table=True):
    __tablename__ = "membership"

    organisation_id: str = Field(sa_column=Column(String(32), ForeignKey("organisation.id"), primary_key=True))
    account_id: str = Field(sa_column=Column(String(32), ForeignKey("account.id"), primary_key=True, index=True))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    added_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class InvitationRow(SQLModel, table=True):
    __tablename__ = "invitation"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    organisation_id: str = Field(sa_column=Column(String(32), ForeignKey("organisation.id"), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    invited_by: str = Field(sa_column=Column(String(32), ForeignKey("account.id"), nullable=False))
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    used_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
