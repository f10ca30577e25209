"""FastAPI dependencies: the server's services, and the participant a request speaks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from server.board.model import Participant
from server.config import Settings
from server.rooms import Rooms
from server.storage.base import Storage
from server.workshops import authenticate, was_removed


@dataclass(slots=True)
class Services:
    settings: Settings
    storage: Storage
    rooms: Rooms
    secret_key: bytes


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


async def current_participant(request: Request, workshop_id: str, svc: ServicesDep) -> Participant:
    token = bearer_token(request, workshop_id)
    participant = await run_in_threadpool(authenticate, svc.storage, workshop_id, token)
    if participant is None and await run_in_threadpool(was_removed, svc.storage, workshop_id, token):
        raise ApiError(403, "participant_removed", "the facilitator removed you from this workshop (rule P50)")
    if participant is None:
        raise ApiError(401, "unauthorized", "join this workshop first: no valid participant token for it")
    return participant


ParticipantDep = Annotated[Participant, Depends(current_participant)]


async def current_facilitator(participant: ParticipantDep) -> Participant:
    if not participant.is_facilitator:
        raise ApiError(403, "facilitator_only", "only the workshop's facilitator may do this")
    return participant


FacilitatorDep = Annotated[Participant, Depends(current_facilitator)]
