"""The pages people use: home (create or import), join, the board (with the facilitator's console), the
list view, and the projector's join code. Server-rendered with Jinja2; static/js/board.js and list.js add the
live parts. Routes parse, call one function, render."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any

import segno
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from server import export, imports, short_codes, workshop_templates, workshops
from server.board import characters
from server.board.model import Participant
from server.web import list_evidence, throttle
from server.web.deps import READ_ONLY_MESSAGE, ApiError, ServicesDep, bearer_token, workshop_person
from server.web.http import committed_map, refusal_status, set_token_cookie
from server.web.list_forms import ListFormProblem, list_frame, list_groups, list_stories

ROOT = Path(__file__).resolve().parents[2]
templates = Jinja2Templates(directory=ROOT / "templates")
templates.env.globals["workshop_templates"] = workshop_templates.built_in  # the home page offers them
templates.env.globals["list_groups"] = list_groups  # the list view's notes: under their clusters, then by kind
templates.env.globals["list_stories"] = list_stories  # the list view's contribution stories (rule P52)
templates.env.globals["evidence"] = (
    list_evidence  # the words for links' evidence, indicators, endorsements (P46, P47, P51)
)
router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _problem(request: Request, title: str, message: str, status: int) -> HTMLResponse:
    return _page(request, "problem.html", status, title=title, message=message)


REMOVED_MESSAGE = (
    "The facilitator took you out of this workshop, so this device can no longer open or change its board. "
    "What you added stays on it. If this is a mistake, ask the facilitator."
)


async def _reader(request: Request, svc: Any, workshop_id: str) -> Participant | None:
    """Whoever may see the board: a participant, or a member of the workshop's organisation (a viewer too)."""
    return await workshop_person(request, svc, workshop_id)


async def _viewer(request: Request, svc: Any, workshop_id: str) -> Participant | None:
    """Whoever may change the board: a participant, or an editor or owner of the workshop's organisation."""
    person = await _reader(request, svc, workshop_id)
    return person if person is not None and person.role != "viewer" else None


async def _not_joined(request: Request, svc: Any, workshop_id: str) -> HTMLResponse:
    token = bearer_token(request, workshop_id)
    if await _reader(request, svc, workshop_id) is not None:  # a viewer of the organisation
        return _problem(request, "You can view this map, not change it", f"You {READ_ONLY_MESSAGE[4:]}.", 403)
    if await run_in_threadpool(workshops.was_removed, svc.storage, workshop_id, token):
        return _problem(request, "You were removed from this workshop", REMOVED_MESSAGE, 403)  # rule P50
    return _problem(
        request,
        "You have not joined this workshop",
        "Open the join link your facilitator shared (or scan the code on the screen) to take part.",
        401,
    )


def joining_closed(request: Request) -> HTMLResponse:
    """The page for someone new while the facilitator has closed joining (rule P34)."""
    return _problem(
        request,
        "Joining is closed",
        "The facilitator has closed this workshop to new participants for now. Ask them to open joining again; "
        "people already on the board carry on.",
        403,
    )


def join_address(request: Request) -> str:
    """Where people type a short code: this server's host and /join, as the projector shows it."""
    return f"{request.url.netloc}/join"


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return _page(request, "home.html")


@router.post("/create")
async def create(
    request: Request,
    svc: ServicesDep,
    title: Annotated[str, Form()],
    question: Annotated[str, Form()] = "",
    facilitator_name: Annotated[str, Form()] = "Facilitator",
    template: Annotated[str, Form()] = "blank",
) -> Response:
    if refused := throttle.limits(request).creation(throttle.client_address(request)):
        return throttle.too_many_page(request, refused)
    title, name = title.strip(), facilitator_name.strip() or "Facilitator"
    if not title or len(title) > 200 or len(question) > 1000 or len(name) > 40:
        return _page(request, "home.html", 422, error="Give the workshop a title (up to 200 characters).")
    if found := characters.find({"title": title, "question": question, "name": name}):
        return _page(request, "home.html", 422, error=characters.describe(*found))

    chosen = workshop_templates.named(template)
    if chosen is None:
        return _page(request, "home.html", 422, error="Choose one of the templates.")

    def run() -> tuple[workshops.CreatedWorkshop, workshops.Joined]:
        created = workshops.create_workshop(
            svc.storage,
            svc.secret_key,
            title,
            question.strip() or chosen.question,
            chosen.kinds,
            chosen.phases,
            chosen.lanes,
        )
        return created, workshops.join(svc.storage, created.workshop, "facilitator", name)

    created, joined = await run_in_threadpool(run)
    response = RedirectResponse(f"/w/{created.workshop.id}", status_code=303)
    set_token_cookie(response, request, created.workshop.id, joined.token)
    return response


@router.post("/import")
async def import_file(request: Request, svc: ServicesDep, file: Annotated[UploadFile, File()]) -> Response:
    if refused := throttle.limits(request).creation(throttle.client_address(request)):
        return throttle.too_many_page(request, refused)
    data = await file.read(imports.MAX_IMPORT_BYTES + 1)

    def run() -> tuple[workshops.CreatedWorkshop, workshops.Joined]:
        if b'"pathweaver-template"' in data[:4096]:  # a template file: a new, empty workshop set up from it
            template = workshop_templates.parse(data)
            created = workshops.create_workshop(
                svc.storage,
                svc.secret_key,
                template.title,
                template.question,
                template.kinds,
                template.phases,
                template.lanes,
            )
        else:
            draft = imports.read_upload(data, file.filename or "map.json")
            created = imports.import_map(svc.storage, svc.secret_key, draft).created
        return created, workshops.join(svc.storage, created.workshop, "facilitator", "Facilitator")

    try:
        created, joined = await run_in_threadpool(run)
    except (imports.ImportProblem, workshop_templates.TemplateProblem) as exc:
        return _page(request, "home.html", 400, import_error=str(exc))
    response = RedirectResponse(f"/w/{created.workshop.id}", status_code=303)
    set_token_cookie(response, request, created.workshop.id, joined.token)
    return response


@router.get("/j/{code}", response_class=HTMLResponse)
async def join_page(request: Request, code: str, svc: ServicesDep) -> Response:
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.code_lookup(address):
        return throttle.too_many_page(request, refused)
    found = await run_in_threadpool(workshops.find_by_code, svc.storage, code)
    if found is None:
        limits.join_failed(address)
        return _problem(
            request,
            "This join link does not work",
            "It may have been mistyped, or the facilitator may have replaced it. Ask them for the current "
            "link or scan the code on the screen.",
            404,
        )
    workshop, role = found
    me = await _viewer(request, svc, workshop.id)
    if me is not None and (me.is_facilitator or role == "participant"):
        return RedirectResponse(f"/w/{workshop.id}", status_code=303)  # already in: straight to the board
    if role == "participant" and not workshop.joining:
        return joining_closed(request)
    groups = await _groups(svc, workshop.id)
    return _page(request, "join.html", workshop=workshop, role=role, code=code, groups=groups)


async def _groups(svc: Any, workshop_id: str) -> list[dict[str, Any]]:
    """The workshop's stakeholder groups (rule P51), for the join page to offer."""
    room = svc.rooms.get(workshop_id)
    if room is not None:
        return [g.to_dict() for g in room.board.groups]
    stored = await run_in_threadpool(svc.storage.load_board, workshop_id)
    return [] if stored is None else [g.to_dict() for g in stored.board.groups]


async def _join_group(svc: Any, workshop_id: str, me: Participant, group: str) -> None:
    """Put a newcomer in the group they chose on the join page: their own `participant.group`, through the same
    rules as on the board (rule P51). Should the board refuse it now (locked, say), they pick it there later."""
    room = await svc.rooms.open(workshop_id)
    if room is None:
        return
    try:
        await room.submit(me, {"op": "participant.group", "group": group})
    finally:
        svc.rooms.release(room)


@router.post("/j/{code}")
async def join(
    request: Request, code: str, svc: ServicesDep, name: Annotated[str, Form()], group: Annotated[str, Form()] = ""
) -> Response:
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.join(address):
        return throttle.too_many_page(request, refused)
    found = await run_in_threadpool(workshops.find_by_code, svc.storage, code)
    if found is None:
        limits.join_failed(address)
        return _problem(request, "This join link does not work", "Ask the facilitator for the current link.", 404)
    workshop, role = found
    name = name.strip()
    groups = await _groups(svc, workshop.id)
    page = {"workshop": workshop, "role": role, "code": code, "groups": groups}
    if not name or len(name) > 40 or characters.problem(name):
        error = "Your name must be 1 to 40 characters, with no control characters."
        return _page(request, "join.html", 422, **page, error=error)
    if group and group not in {g["id"] for g in groups}:
        return _page(request, "join.html", 422, **page, error="Choose one of the groups listed, or none.")
    try:
        joined = await run_in_threadpool(
            workshops.join, svc.storage, workshop, role, name, svc.settings.limits.max_participants
        )
    except workshops.WorkshopFull as full:
        return _page(request, "join.html", 409, **page, error=f"Sorry, {full}. Ask the facilitator.")
    except workshops.JoiningClosed:
        return joining_closed(request)
    if group:
        record = joined.participant
        me = Participant(id=record.id, name=record.name, colour=record.colour, role=record.role)
        await _join_group(svc, workshop.id, me, group)
    response = RedirectResponse(f"/w/{workshop.id}", status_code=303)
    set_token_cookie(response, request, workshop.id, joined.token)
    return response


async def _board_context(request: Request, svc: Any, workshop_id: str, me: Participant) -> dict[str, Any]:
    board = await committed_map(svc, workshop_id, me)
    context: dict[str, Any] = {
        "board": board,
        "me": me,
        "workshop": board["workshop"],
        "formats": list(export.FORMATS.values()),
    }
    if me.is_facilitator:
        code = await run_in_threadpool(workshops.current_join_code, svc.storage, svc.secret_key, workshop_id)
        context["join_url"] = f"{str(request.base_url).rstrip('/')}/j/{code}"
        short = await run_in_threadpool(workshops.current_short_code, svc.storage, svc.secret_key, workshop_id)
        context["short_code"], context["join_at"] = short, join_address(request)
    return context


async def _board_view(request: Request, svc: Any, workshop_id: str, template: str) -> Response:
    me = await _reader(request, svc, workshop_id)
    if me is None:
        return await _not_joined(request, svc, workshop_id)
    if me.role == "viewer" and template != "list.html":  # viewers read the map in the list view, which can be static
        return RedirectResponse(f"/w/{workshop_id}/list", status_code=303)
    return await _render_board(request, svc, workshop_id, me, template, read_only=me.role == "viewer")


async def _render_board(
    request: Request, svc: Any, workshop_id: str, me: Participant, template: str, status: int = 200, **extra: Any
) -> Response:
    """A page showing the stored map (never changes still being committed)."""
    try:
        return _page(request, template, status, **await _board_context(request, svc, workshop_id, me), **extra)
    except ApiError as exc:
        return _problem(request, "The board is not available", exc.message, exc.status_code)


@router.get("/w/{workshop_id}", response_class=HTMLResponse)
async def board_page(request: Request, workshop_id: str, svc: ServicesDep) -> Response:
    return await _board_view(request, svc, workshop_id, "board.html")


@router.get("/w/{workshop_id}/list", response_class=HTMLResponse)
async def list_page(request: Request, workshop_id: str, svc: ServicesDep) -> Response:
    return await _board_view(request, svc, workshop_id, "list.html")


@router.post("/w/{workshop_id}/list/op", response_class=HTMLResponse)
async def list_op(request: Request, workshop_id: str, svc: ServicesDep) -> Response:
    """A list-view form posted by a browser without scripts: the change, then the list again (or why not)."""
    me = await _viewer(request, svc, workshop_id)
    if me is None:
        return await _not_joined(request, svc, workshop_id)
    if refused := throttle.limits(request).operation(me.id, throttle.client_address(request)):
        return throttle.too_many_page(request, refused)
    posted = await request.form()
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    chosen = [v for v in posted.getlist("chosen") if isinstance(v, str)][:100]  # ticked notes (P43, P44)
    support = [v for v in posted.getlist("support") if isinstance(v, str)][
        :7
    ]  # kinds of support (P46): six, or a bad seventh
    room = await svc.rooms.open(workshop_id)
    if room is None:
        return await _not_joined(request, svc, workshop_id)
    try:
        answer = await room.submit(me, list_frame(form, room.board.to_dict(), chosen, support))
    except ListFormProblem as problem:
        answer = {"type": "error", "code": "bad_value", "message": str(problem)}
    finally:
        svc.rooms.release(room)
    if answer["type"] == "error":
        status = refusal_status(answer["code"], default=422)
        return await _render_board(request, svc, workshop_id, me, "list.html", status, error=answer["message"])
    return RedirectResponse(f"/w/{workshop_id}/list", status_code=303)


async def _facilitator_join_url(request: Request, svc: Any, workshop_id: str) -> str | None:
    me = await _viewer(request, svc, workshop_id)
    if me is None or not me.is_facilitator:
        return None
    code = await run_in_threadpool(workshops.current_join_code, svc.storage, svc.secret_key, workshop_id)
    return f"{str(request.base_url).rstrip('/')}/j/{code}"


@router.get("/w/{workshop_id}/qr.svg")
async def join_qr(request: Request, workshop_id: str, svc: ServicesDep) -> Response:
    url = await _facilitator_join_url(request, svc, workshop_id)
    if url is None:
        return Response("facilitator only", status_code=403)
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, dark="#111111", light="#ffffff")
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/w/{workshop_id}/show-code", response_class=HTMLResponse)
async def show_code(request: Request, workshop_id: str, svc: ServicesDep) -> Response:
    url = await _facilitator_join_url(request, svc, workshop_id)
    if url is None:
        return _problem(request, "For the facilitator", "Only the workshop's facilitator can show its join code.", 403)
    short = await run_in_threadpool(workshops.current_short_code, svc.storage, svc.secret_key, workshop_id)
    stored = await run_in_threadpool(svc.storage.workshop, workshop_id)
    return _page(
        request,
        "show_code.html",
        join_url=url,
        workshop_id=workshop_id,
        title=stored.title if stored else "",
        short_code=short_codes.spaced(short),
        join_at=join_address(request),
        joining=stored.joining if stored else True,
    )
