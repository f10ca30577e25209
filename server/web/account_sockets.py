"""The sockets an account session opened (rule P53), so that they close when what opened them ends: the session
(signing out), every session of the account (signing out everywhere, a new or reset password), or the account's
membership of the workshop's organisation (removed, or made a viewer, who has no socket).

One server process holds every socket of its database (README: one process per database), so this in-memory
index sees them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.requests import HTTPConnection

from server.accounts.service import MemberAccess
from server.board.refusals import refuse
from server.protocol import frames
from server.protocol.codec import encode

CLOSE_SESSION_ENDED = 4001  # as for a socket that never had a valid session: sign in again


class Closable(Protocol):
    def send(self, text: str) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


@dataclass(frozen=True, slots=True)
class _Opened:
    access: MemberAccess
    conn: Closable


class AccountSockets:
    def __init__(self) -> None:
        self._open: dict[int, _Opened] = {}  # by id(conn)

    def __len__(self) -> int:
        return len(self._open)

    def add(self, access: MemberAccess, conn: Closable) -> None:
        self._open[id(conn)] = _Opened(access, conn)

    def discard(self, conn: Closable) -> None:
        self._open.pop(id(conn), None)

    def session_ended(self, session_hash: str) -> None:
        self._close(lambda a: a.session_hash == session_hash, "you signed out")

    def account_signed_out(self, account_id: str, keep_session: str | None = None) -> None:
        self._close(lambda a: a.account_id == account_id and a.session_hash != keep_session, "you were signed out")

    def membership_changed(self, account_id: str, organisation_id: str) -> None:
        """The account's role in the organisation changed or ended: its sockets there close (an editor still one
        reconnects at once; a viewer or former member is refused)."""
        self._close(
            lambda a: a.account_id == account_id and a.organisation_id == organisation_id,
            "your role in this organisation changed",
        )

    def _close(self, matches: Callable[[MemberAccess], bool], why: str) -> None:
        for key, opened in list(self._open.items()):
            if matches(opened.access):
                del self._open[key]
                message = f"{why}: sign in again to open this workshop (rule P53)"
                opened.conn.send(encode(frames.error(refuse("unauthorized", message), None)))
                opened.conn.close(CLOSE_SESSION_ENDED, "session ended")


def account_sockets(conn: HTTPConnection) -> AccountSockets:
    return conn.app.state.account_sockets  # type: ignore[no-any-return]
