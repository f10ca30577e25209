"""FastAPI dependencies: the server's services, and the participant a request speaks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from server.accounts import service as accounts
from server.accounts.passwords import Passwords
from server.accounts.store import AccountStorage
from server.board.model import Participant
from server.clock import now_ms
from server.config import Settings
from server.rooms import Rooms
from server.storage.base import Storage
from server.workshops import authenticate, was_removed

# The signed-in account's session (server/accounts); a workshop's own cookies are pw_ and its 12-character id.
SESSION_COOKIE = "pw_session"


@dataclass(slots=True)
class Services:
    settings: Settings
    storage: Storage
    rooms: Rooms
    secret_key: bytes
    accounts: AccountStorage  # the same store as `storage`, seen through the accounts' interface
    passwords: Passwords


def cookie_name(workshop_id: str) -> str:
    """Each workshop has its own cookie, so one browser can take part in several workshops."""
    return f"pw_{workshop_id}"


def bearer_token(conn: HTTPConnection, workshop_id: str) -> str | None:
    """The participant token: the workshop's cookie (browsers) or an Authorization: Bearer header (programs)."""
    auth = conn.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return conn.cookies.get(cookie_name(workshop_id))


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(services)]


class ApiError(HTTPException):
    """An expected failure: an HTTP status, a stable code and a message that says what to do."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status_code=status, detail={"code": code, "message": message})
        self.code, self.message = code, message


async def workshop_access(
    conn: HTTPConnection, svc: Services, workshop_id: str
) -> tuple[Participant | None, accounts.MemberAccess | None]:
    """Whom a request speaks for on a workshop: the participant its token names, else the member of the
    workshop's organisation its account session names (rule P53) — a viewer with role "viewer", who may only
    read — with the membership it came through."""
    participant = await run_in_threadpool(authenticate, svc.storage, workshop_id, bearer_token(conn, workshop_id))
    session = conn.cookies.get(SESSION_COOKIE)
    if participant is not None or session is None:
        return participant, None
    access = await run_in_threadpool(accounts.member_access, svc.storage, svc.accounts, workshop_id, session, now_ms())
    return (access.participant, access) if access else (None, None)


async def workshop_person(conn: HTTPConnection, svc: Services, workshop_id: str) -> Participant | None:
    return (await workshop_access(conn, svc, workshop_id))[0]


READ_ONLY_MESSAGE = "you may view this organisation's maps but not change them: ask an owner to make you an editor"


async def current_reader(request: Request, workshop_id: str, svc: ServicesDep) -> Participant:
    """Anyone who may read the workshop's map: its participants and every member of its organisation."""
    person = await workshop_person(request, svc, workshop_id)
    if person is None and await run_in_threadpool(
        was_removed, svc.storage, workshop_id, bearer_token(request, workshop_id)
    ):
        raise ApiError(403, "participant_removed", "the facilitator removed you from this workshop (rule P50)")
    if person is None:
        raise ApiError(401, "unauthorized", "join this workshop first: no valid participant token for it")
    return person


ReaderDep = Annotated[Participant, Depends(current_reader)]


async def current_participant(reader: ReaderDep) -> Participant:
    """Someone who may change the board: not a viewer."""
    if reader.role == "viewer":
        raise ApiError(403, "read_only", READ_ONLY_MESSAGE)
    return reader


ParticipantDep = Annotated[Participant, Depends(current_participant)]


async def current_facilitator(participant: ParticipantDep) -> Participant:
    if not participant.is_facilitator:
        raise ApiError(403, "facilitator_only", "only the workshop's facilitator may do this")
    return participant


FacilitatorDep = Annotated[Participant, Depends(current_facilitator)]
