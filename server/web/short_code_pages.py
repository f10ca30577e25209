"""Joining by short code: `/join`, where people type the code the projector shows (rule P34).

A plain form (it works without scripts): the code and a display name, then the board. Every try is a join
from the client's address; a code that opens nothing counts against the address and against the whole server
(server/limits.py), so that guessing from many addresses is slowed too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from server import short_codes, workshops
from server.board import characters
from server.web import throttle
from server.web.deps import ServicesDep
from server.web.http import set_token_cookie
from server.web.pages import _page, _viewer, joining_closed

router = APIRouter(include_in_schema=False)

EXAMPLE = short_codes.spaced(short_codes.ALPHABET[: short_codes.LENGTH])


def _form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    return _page(request, "join_code.html", status, example=EXAMPLE, length=short_codes.LENGTH, **context)


@router.get("/join", response_class=HTMLResponse)
async def join_form(request: Request, code: str = "") -> HTMLResponse:
    return _form(request, code=code[:40])


@router.post("/join")
async def join_by_code(
    request: Request,
    svc: ServicesDep,
    code: Annotated[str, Form(max_length=100)],
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.short_code(address):
        return throttle.too_many_page(request, refused)
    name = name.strip()
    if short_codes.normalize(code) is None:  # a typo that can match nothing: said at once, not counted as a guess
        error = f"A join code is {short_codes.LENGTH} letters and digits, like {EXAMPLE}. Check it against the screen."
        return _form(request, 422, code=code, display_name=name, error=error)
    workshop = await run_in_threadpool(workshops.find_by_short_code, svc.storage, svc.secret_key, code)
    if workshop is None:
        limits.short_code_failed(address)
        error = (
            f"No workshop has the code {short_codes.spaced(short_codes.normalize(code) or '')}. Check it against the "
            "screen: the facilitator may have replaced it."
        )
        return _form(request, 404, code=code, display_name=name, error=error)
    if await _viewer(request, svc, workshop.id) is not None:
        return RedirectResponse(f"/w/{workshop.id}", status_code=303)  # already in: straight to the board
    if not workshop.joining:
        return joining_closed(request)
    if not name or len(name) > 40 or characters.problem(name):
        error = "Your name must be 1 to 40 characters, with no control characters."
        return _form(request, 422, code=code, display_name=name, error=error, name_error=True)
    try:
        joined = await run_in_threadpool(
            workshops.join, svc.storage, workshop, "participant", name, svc.settings.limits.max_participants
        )
    except workshops.WorkshopFull as full:
        return _form(request, 409, code=code, display_name=name, error=f"Sorry, {full}. Ask the facilitator.")
    except workshops.JoiningClosed:
        return joining_closed(request)
    response = RedirectResponse(f"/w/{workshop.id}", status_code=303)
    set_token_cookie(response, request, workshop.id, joined.token)
    return response
