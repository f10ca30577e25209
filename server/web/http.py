"""The HTTP API: create a workshop, join it, rotate its join code, read its map."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, Field, StringConstraints, model_validator
from starlette.concurrency import run_in_threadpool

from server import export, workshop_templates, workshops
from server.board import characters, privacy
from server.board.lanes import Lane
from server.board.model import Board, Kind, Participant
from server.board.refusals import Refusal
from server.board.rules import MAX_QUESTION, MAX_TITLE
from server.protocol.codec import decode
from server.room import StorageFailed
from server.web import throttle
from server.web.deps import ApiError, FacilitatorDep, ParticipantDep, ReaderDep, Services, ServicesDep, cookie_name

router = APIRouter(prefix="/api")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUESTION)]


class StorableBody(BaseModel):
    """A JSON request body. Any string in it that cannot be stored is refused (`bad_value`) before any field
    is read, whatever the field."""

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return characters.storable(data)


class KindIn(StorableBody):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,29}$")]
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


class WorkshopIn(StorableBody):
    title: Title
    question: Question = "What impacts do we seek, and how do we get there?"
    kinds: Annotated[list[KindIn], Field(min_length=1, max_length=12)] | None = None
    facilitator_name: Name = "Facilitator"
    template: Annotated[str, StringConstraints(max_length=60)] | None = Field(
        default=None, description="A built-in template's name (GET /api/templates): its kinds, question and plan."
    )


class ParticipantOut(BaseModel):
    id: str
    name: str
    colour: str
    role: str


class WorkshopCreated(BaseModel):
    id: str
    title: str
    facilitator_key: str = Field(description="Secret: makes its bearer a facilitator. Shown once.")
    join_code: str = Field(description="Shareable: lets anyone with it join as a participant.")
    facilitator_url: str
    join_url: str
    short_code: str = Field(description="What people type at `join_at` to join as participants.")
    join_at: str = Field(description="Where to type the short code: this server's host and /join.")
    participant: ParticipantOut
    token: str = Field(description="The creator's own participant token (also set as a cookie).")


class JoinIn(StorableBody):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    name: Name


class Joined(BaseModel):
    workshop_id: str
    participant: ParticipantOut
    token: str = Field(description="The participant token (also set as a cookie).")


class JoinCode(BaseModel):
    join_code: str
    join_url: str


class ShortCode(BaseModel):
    short_code: str = Field(
        description="What people type at `join_at` to join as participants (case, spaces and dashes do not matter)."
    )
    join_at: str = Field(description="Where to type it: this server's host and /join.")


class Problem(BaseModel):
    """Every refusal over HTTP: a stable code (docs/protocol.md lists them) and a message saying what to do."""

    code: str
    message: str


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": Problem} for status in statuses}


def set_token_cookie(response: Response, request: Request, workshop_id: str, token: str) -> None:
    settings = request.app.state.services.settings
    response.set_cookie(
        cookie_name(workshop_id),
        token,
        max_age=60 * 60 * 24 * 365,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def _out(p: Any) -> ParticipantOut:
    return ParticipantOut(id=p.id, name=p.name, colour=p.colour, role=p.role)


def workshop_created(request: Request, created: workshops.CreatedWorkshop, joined: workshops.Joined) -> WorkshopCreated:
    """What creating (or importing) a workshop answers: its links, secrets and the creator's own token."""
    base = str(request.base_url).rstrip("/")
    return WorkshopCreated(
        id=created.workshop.id,
        title=created.workshop.title,
        facilitator_key=created.facilitator_key,
        join_code=created.join_code,
        facilitator_url=f"{base}/j/{created.facilitator_key}",
        join_url=f"{base}/j/{created.join_code}",
        short_code=created.short_code,
        join_at=f"{request.url.netloc}/join",
        participant=_out(joined.participant),
        token=joined.token,
    )


@router.post("/workshops", status_code=201, response_model=WorkshopCreated, responses=problems(413, 422, 429))
async def create_workshop(body: WorkshopIn, request: Request, response: Response, svc: ServicesDep) -> WorkshopCreated:
    """Create a workshop; its creator joins as its first facilitator."""
    throttle.check(throttle.limits(request).creation(throttle.client_address(request)))
    kinds = tuple(Kind(k.name, k.label, k.colour) for k in body.kinds) if body.kinds else None
    if kinds and len({k.name for k in kinds}) != len(kinds):
        raise ApiError(422, "bad_value", "note kind names must be unique")
    question, phases = body.question, None
    lanes: tuple[Lane, ...] = ()
    if body.template is not None:
        template = workshop_templates.named(body.template)
        if template is None:
            raise ApiError(422, "bad_value", f"no template {body.template!r}; GET /api/templates lists them")
        if kinds is None:  # the template's plan names the template's kinds
            kinds, phases, lanes = template.kinds, template.phases, template.lanes
        if "question" not in body.model_fields_set:
            question = template.question

    def create() -> tuple[workshops.CreatedWorkshop, workshops.Joined]:
        created = workshops.create_workshop(svc.storage, svc.secret_key, body.title, question, kinds, phases, lanes)
        return created, workshops.join(svc.storage, created.workshop, "facilitator", body.facilitator_name)

    created, joined = await run_in_threadpool(create)
    set_token_cookie(response, request, created.workshop.id, joined.token)
    return workshop_created(request, created, joined)


@router.get("/templates")
async def list_templates() -> list[dict[str, Any]]:
    """The built-in workshop templates: each a palette of kinds, a focal question and a plan of phases."""
    return [t.to_dict() for t in workshop_templates.built_in()]


@router.get("/workshops/{workshop_id}/template", responses=problems(401, 403, 404))
async def save_as_template(workshop_id: str, facilitator: FacilitatorDep, svc: ServicesDep) -> Response:
    """This workshop's setup — kinds, question, plan; never its notes — as a template file to start others from."""
    board = Board.from_dict(await committed_map(svc, workshop_id, facilitator))
    template = workshop_templates.from_board(board, name=f"from-{workshop_id}")
    name = export.filename(board.workshop.title, "json").replace(".pathweaver.json", ".template.json")
    return Response(
        orjson.dumps(template.to_dict(), option=orjson.OPT_INDENT_2) + b"\n",
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/join", response_model=Joined, responses=problems(403, 404, 409, 413, 429))
async def join(body: JoinIn, request: Request, response: Response, svc: ServicesDep) -> Joined:
    """Join the workshop a join code (as participant) or facilitator key (as facilitator) opens."""
    limits, address = throttle.limits(request), throttle.client_address(request)
    throttle.check(limits.join(address))
    found = await run_in_threadpool(workshops.find_by_code, svc.storage, body.code)
    if found is None:
        limits.join_failed(address)
        raise ApiError(404, "unknown_code", "this join link is not valid: it may have been mistyped or replaced")
    workshop, role = found
    try:
        joined = await run_in_threadpool(
            workshops.join, svc.storage, workshop, role, body.name, svc.settings.limits.max_participants
        )
    except workshops.WorkshopFull as full:
        raise ApiError(409, "workshop_full", f"{full}; ask the facilitator") from None
    except workshops.JoiningClosed as closed:
        raise ApiError(403, "joining_closed", f"{closed}; ask them to open it") from None
    set_token_cookie(response, request, workshop.id, joined.token)
    return Joined(workshop_id=workshop.id, participant=_out(joined.participant), token=joined.token)


@router.post("/workshops/{workshop_id}/join-code", response_model=JoinCode, responses=problems(401, 403))
async def rotate_join_code(
    workshop_id: str, request: Request, facilitator: FacilitatorDep, svc: ServicesDep
) -> JoinCode:
    """Replace the participant join code; the old link stops working. Facilitator only."""
    code = await run_in_threadpool(workshops.rotate_join_code, svc.storage, svc.secret_key, workshop_id)
    return JoinCode(join_code=code, join_url=f"{str(request.base_url).rstrip('/')}/j/{code}")


def _short_code(request: Request, code: str) -> ShortCode:
    return ShortCode(short_code=code, join_at=f"{request.url.netloc}/join")


@router.get("/workshops/{workshop_id}/short-code", response_model=ShortCode, responses=problems(401, 403))
async def read_short_code(
    workshop_id: str, request: Request, facilitator: FacilitatorDep, svc: ServicesDep
) -> ShortCode:
    """The short code people type at /join, for the facilitator to show. Facilitator only."""
    code = await run_in_threadpool(workshops.current_short_code, svc.storage, svc.secret_key, workshop_id)
    return _short_code(request, code)


@router.post("/workshops/{workshop_id}/short-code", response_model=ShortCode, responses=problems(401, 403))
async def rotate_short_code(
    workshop_id: str, request: Request, facilitator: FacilitatorDep, svc: ServicesDep
) -> ShortCode:
    """Replace the short code; the old one stops working, joined people stay. Facilitator only."""
    code = await run_in_threadpool(workshops.rotate_short_code, svc.storage, svc.secret_key, workshop_id)
    return _short_code(request, code)


@router.get("/workshops/{workshop_id}/map", responses=problems(401, 404, 503))
async def read_map(workshop_id: str, participant: ReaderDep, svc: ServicesDep) -> dict[str, Any]:
    """The whole map as JSON: workshop, participants, notes and links, and the sequence number it reflects."""
    return await committed_map(svc, workshop_id, participant)


async def committed_map(
    svc: Services, workshop_id: str, viewer: Participant, *, shared: bool = False
) -> dict[str, Any]:
    """The map as stored, as `viewer` may see it (rule P38): a live room's once its pending changes are
    committed, else storage's own. `shared`: the caller only reads it, so a live room may hand out the map it
    keeps for this head rather than make a copy (Room.committed_map)."""
    room = svc.rooms.get(workshop_id)
    if room is not None:
        try:
            return await room.committed_map(viewer, shared=shared)
        except StorageFailed:
            raise ApiError(503, "server_error", "the server could not store the latest changes; try again") from None
    stored = await run_in_threadpool(svc.storage.load_board, workshop_id)
    if stored is None:
        raise ApiError(404, "unknown_workshop", "no such workshop")
    return privacy.map_for(stored.board.to_dict(), viewer)


# How each refusal code reads as an HTTP status.
_STATUS = {
    "unauthorized": 401,
    "facilitator_only": 403,
    "board_locked": 423,
    "note_missing": 404,
    "link_missing": 404,
    "note_deleted": 410,
    "link_deleted": 410,
    "note_exists": 409,
    "link_duplicate": 409,
    "board_full": 409,
    "server_error": 503,
    "frame_too_large": 413,
}


def refusal_status(code: str, default: int = 400) -> int:
    """The HTTP status a refusal code reads as (`default` for codes that only describe bad input)."""
    return _STATUS.get(code, default)


# Shown in /docs, and sent by the property-based test of the schema so that it reaches stored operations too.
OP_EXAMPLES: dict[str, Any] = {
    "add a note": {
        "value": {
            "op": "note.add",
            "cid": "c1",
            "id": "note0001",
            "kind": "outcome",
            "text": "Officials ask for evidence earlier",
            "x": 120.0,
            "y": 80.0,
        }
    },
    "add a second note": {
        "value": {
            "op": "note.add",
            "id": "note0002",
            "kind": "impact",
            "text": "Policy cites evidence",
            "x": 400.0,
            "y": 80.0,
        }
    },
    "link them": {"value": {"op": "link.add", "id": "link0001", "source": "note0001", "target": "note0002"}},
    "rename the workshop": {"value": {"op": "workshop.rename", "title": "Evidence into policy"}},
}


class OpResult(BaseModel):
    cid: str
    seq: int = Field(description="The event's sequence number: the change is stored.")


@router.post(
    "/workshops/{workshop_id}/ops",
    response_model=OpResult,
    responses=problems(400, 401, 403, 404, 409, 410, 413, 423, 429, 503),
)
async def submit_op(
    workshop_id: str,
    frame: Annotated[dict[str, Any], Body(openapi_examples=OP_EXAMPLES)],
    request: Request,
    participant: ParticipantDep,
    svc: ServicesDep,
) -> OpResult:
    """Apply one operation, exactly as a websocket frame would (docs/protocol.md); answers once it is stored."""
    throttle.operation(request, participant.id)
    # `frame` documents the body; the bytes themselves go through the websocket's decoder, so HTTP refuses
    # exactly what a socket would (with the same codes) before the room sees anything.
    raw = await request.body()
    op, _ = decode(raw, svc.settings.max_frame_bytes)
    if isinstance(op, Refusal):
        raise ApiError(_STATUS.get(op.code, 400), op.code, op.message)
    room = await svc.rooms.open(workshop_id)
    if room is None:
        raise ApiError(404, "unknown_workshop", "no such workshop")
    try:
        answer = await room.submit(participant, orjson.loads(raw))
    finally:
        svc.rooms.release(room)
    if answer["type"] == "error":
        raise ApiError(_STATUS.get(answer["code"], 400), answer["code"], answer["message"])
    return OpResult(cid=answer["cid"], seq=answer["seq"])


@router.get("/workshops/{workshop_id}/join-code", response_model=JoinCode, responses=problems(401, 403))
async def read_join_code(workshop_id: str, request: Request, facilitator: FacilitatorDep, svc: ServicesDep) -> JoinCode:
    """The current participant join code and link, for the facilitator to show or share again."""
    code = await run_in_threadpool(workshops.current_join_code, svc.storage, svc.secret_key, workshop_id)
    return JoinCode(join_code=code, join_url=f"{str(request.base_url).rstrip('/')}/j/{code}")


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
