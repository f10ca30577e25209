"""The pages of accounts and organisations: sign up, sign in and out, the account, password reset links,
an organisation's workshops and members, invitations. Routes parse, call server/accounts, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from server import workshop_templates
from server.accounts import rules, service
from server.accounts.rules import AccountProblem
from server.accounts.service import NotAllowed, SignedIn
from server.board import characters
from server.clock import now_ms
from server.web import throttle
from server.web.account_sockets import account_sockets
from server.web.deps import SESSION_COOKIE, Services, ServicesDep
from server.web.pages import _page, _problem, templates

router = APIRouter(include_in_schema=False)
templates.env.filters["day"] = lambda ms: datetime.fromtimestamp(ms / 1000, UTC).strftime("%-d %b %Y")
T = TypeVar("T")

# Form fields are bounded before anything reads them (the body limit bounds the whole request).
Email = Annotated[str, Form(max_length=rules.MAX_EMAIL + 100)]
Password = Annotated[str, Form(max_length=rules.MAX_PASSWORD_BYTES * 4)]  # characters; bytes are checked later
Text = Annotated[str, Form(max_length=2000)]


def _set_session(response: Response, request: Request, svc: Services, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=service.SESSION_MS // 1000,
        httponly=True,
        samesite="lax",
        secure=svc.settings.secure_cookies or request.url.scheme == "https",
        path="/",
    )


async def _me(request: Request, svc: Services) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    if token is None:
        return None
    return await run_in_threadpool(service.signed_in, svc.accounts, token, now_ms())


def _to_sign_in() -> Response:
    return RedirectResponse("/signin", status_code=303)


# -- signing up, in and out -------------------------------------------------------------------------------


@router.get("/signup", response_class=HTMLResponse)
async def sign_up_page(request: Request, svc: ServicesDep) -> Response:
    if not svc.settings.open_sign_up:
        return _sign_up_closed(request)
    return _page(request, "signup.html")


def _sign_up_closed(request: Request) -> Response:
    return _problem(
        request,
        "Sign-up is closed",
        "This server makes accounts by invitation only: ask an owner of your organisation for an invitation link.",
        403,
    )


@router.post("/signup")
async def sign_up(request: Request, svc: ServicesDep, email: Email, password: Password, organisation: Text) -> Response:
    if not svc.settings.open_sign_up:
        return _sign_up_closed(request)
    if refused := throttle.limits(request).creation(throttle.client_address(request)):
        return throttle.too_many_page(request, refused)
    try:
        _, made, token = await run_in_threadpool(
            service.sign_up, svc.accounts, svc.passwords, email, password, organisation, now_ms()
        )
    except AccountProblem as problem:
        return _page(request, "signup.html", 422, error=str(problem), email=email[:300], organisation=organisation)
    response = RedirectResponse(f"/o/{made.id}", status_code=303)
    _set_session(response, request, svc, token)
    return response


async def _signed_in_or_refused(request: Request, svc: Services, email: str, password: str) -> str | Response:
    """A session token, or the page to answer with (throttled, or wrong email or password: the same words)."""
    limits, key = throttle.limits(request), email.strip().lower()[: rules.MAX_EMAIL]
    if refused := limits.sign_in(throttle.client_address(request), key):
        return throttle.too_many_page(request, refused)
    token = await run_in_threadpool(service.sign_in, svc.accounts, svc.passwords, email, password, now_ms())
    if token is None:
        limits.sign_in_failed(key)
        return _page(request, "signin.html", 401, error="That email and password do not match an account.")
    return token


@router.get("/signin", response_class=HTMLResponse)
async def sign_in_page(request: Request, svc: ServicesDep) -> Response:
    return _page(request, "signin.html", open_sign_up=svc.settings.open_sign_up)


@router.post("/signin")
async def sign_in(request: Request, svc: ServicesDep, email: Email, password: Password) -> Response:
    token = await _signed_in_or_refused(request, svc, email, password)
    if isinstance(token, Response):
        return token
    response = RedirectResponse("/account", status_code=303)
    _set_session(response, request, svc, token)
    return response


@router.post("/signout")
async def sign_out(request: Request, svc: ServicesDep) -> Response:
    if ended := await run_in_threadpool(service.sign_out, svc.accounts, request.cookies.get(SESSION_COOKIE)):
        account_sockets(request).session_ended(ended)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the account --------------------------------------------------------------------------------------------


async def _account_page(request: Request, svc: Services, me: SignedIn, status: int = 200, **extra: Any) -> Response:
    organisations = await run_in_threadpool(svc.accounts.organisations_of, me.account.id)
    return _page(request, "account.html", status, me=me.account, organisations=organisations, **extra)


@router.get("/account", response_class=HTMLResponse)
async def account_page(request: Request, svc: ServicesDep) -> Response:
    if (me := await _me(request, svc)) is None:
        return _to_sign_in()
    return await _account_page(request, svc, me)


@router.post("/account/password")
async def change_password(request: Request, svc: ServicesDep, current: Password, new: Password) -> Response:
    if (me := await _me(request, svc)) is None:
        return _to_sign_in()
    if refused := throttle.limits(request).sign_in(throttle.client_address(request), me.account.email):
        return throttle.too_many_page(request, refused)
    try:
        await run_in_threadpool(service.change_password, svc.accounts, svc.passwords, me, current, new)
    except AccountProblem as problem:
        return await _account_page(request, svc, me, 422, password_error=str(problem))
    account_sockets(request).account_signed_out(me.account.id, keep_session=me.session.token_hash)
    return await _account_page(request, svc, me, done="Password changed. Your other sessions are signed out.")


@router.post("/account/signout-everywhere")
async def sign_out_everywhere(request: Request, svc: ServicesDep) -> Response:
    if (me := await _me(request, svc)) is None:
        return _to_sign_in()
    await run_in_threadpool(service.sign_out_everywhere, svc.accounts, me.account.id)
    account_sockets(request).account_signed_out(me.account.id)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/organisations")
async def new_organisation(request: Request, svc: ServicesDep, name: Text) -> Response:
    if (me := await _me(request, svc)) is None:
        return _to_sign_in()
    try:
        made = await run_in_threadpool(service.create_organisation, svc.accounts, me.account.id, name, now_ms())
    except AccountProblem as problem:
        return await _account_page(request, svc, me, 422, organisation_error=str(problem))
    return RedirectResponse(f"/o/{made.id}", status_code=303)


# -- password reset links (made by `pathweaver user reset-link`) -----------------------------------------


@router.get("/reset/{token}", response_class=HTMLResponse)
async def reset_page(request: Request, token: str) -> Response:
    return _page(request, "reset.html", token=token[: service.MAX_TOKEN])


@router.post("/reset/{token}")
async def reset(request: Request, token: str, svc: ServicesDep, password: Password) -> Response:
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.code_lookup(address):
        return throttle.too_many_page(request, refused)
    try:
        done = await run_in_threadpool(service.reset_password, svc.accounts, svc.passwords, token, password, now_ms())
    except AccountProblem as problem:
        return _page(request, "reset.html", 422, token=token[: service.MAX_TOKEN], error=str(problem))
    if done is None:
        limits.join_failed(address)
        return _problem(
            request,
            "This reset link does not work",
            "It has been used, or it is more than an hour old. Ask for a new one.",
            410,
        )
    account_sockets(request).account_signed_out(done)
    return _page(request, "signin.html", done="Your password is changed: sign in with it.")


# -- organisations ----------------------------------------------------------------------------------------


async def _organisation_page(
    request: Request, svc: Services, me: SignedIn, organisation_id: str, status: int = 200, **extra: Any
) -> Response:
    def gather() -> dict[str, Any] | None:
        organisation = svc.accounts.organisation(organisation_id)
        role = svc.accounts.role(organisation_id, me.account.id)
        if organisation is None or role is None:
            return None
        members = svc.accounts.members(organisation_id)
        emails = {m.account_id: m.email for m in members}
        return {
            "organisation": organisation,
            "role": role,
            "members": members,
            "workshops": svc.accounts.organisation_workshops(organisation_id),
            "emails": emails,
            "templates": {t.name: t.title for t in workshop_templates.built_in()},
        }

    context = await run_in_threadpool(gather)
    if context is None:  # the same answer whether it does not exist or is another organisation's
        return _problem(request, "Not your organisation", "You are not a member of this organisation.", 404)
    return _page(request, "organisation.html", status, me=me.account, **context, **extra)


@router.get("/o/{organisation_id}", response_class=HTMLResponse)
async def organisation_page(request: Request, organisation_id: str, svc: ServicesDep) -> Response:
    if (me := await _me(request, svc)) is None:
        return _to_sign_in()
    return await _organisation_page(request, svc, me, organisation_id)


async def _act(
    request: Request, svc: Services, organisation_id: str, error_key: str, call: Callable[[SignedIn], T]
) -> T | Response:
    """Run an organisation action for the signed-in account: its result, or the page that says why not."""
    if (me := await _me(request, svc)) is None:
        return _to_sign_in()
    try:
        return await run_in_threadpool(call, me)
    except NotAllowed as refused:
        if await run_in_threadpool(svc.accounts.role, organisation_id, me.account.id) is None:
            return _problem(request, "Not your organisation", "You are not a member of this organisation.", 404)
        return await _organisation_page(request, svc, me, organisation_id, 403, **{error_key: str(refused)})
    except AccountProblem as problem:
        return await _organisation_page(request, svc, me, organisation_id, 422, **{error_key: str(problem)})


@router.post("/o/{organisation_id}/workshops")
async def create_workshop(
    request: Request,
    organisation_id: str,
    svc: ServicesDep,
    title: Text,
    question: Text = "",
    template: Annotated[str, Form(max_length=60)] = "blank",
) -> Response:
    if refused := throttle.limits(request).creation(throttle.client_address(request)):
        return throttle.too_many_page(request, refused)
    title, question = title.strip(), question.strip()
    chosen = workshop_templates.named(template)

    def create(me: SignedIn) -> str:
        if not title or len(title) > 200 or len(question) > 1000 or characters.find([title, question]):
            raise AccountProblem("Give the workshop a title of up to 200 characters (no control characters).")
        if chosen is None:
            raise AccountProblem("Choose one of the templates.")
        return service.create_workshop_in(
            svc.storage, svc.accounts, svc.secret_key, me.account.id, organisation_id, title, question, chosen
        ).id

    made = await _act(request, svc, organisation_id, "workshop_error", create)
    return made if isinstance(made, Response) else RedirectResponse(f"/w/{made}", status_code=303)


@router.post("/o/{organisation_id}/claim")
async def claim(request: Request, organisation_id: str, svc: ServicesDep, link: Text) -> Response:
    """Bring a quick workshop into the organisation with its facilitator link (or just the key in it)."""
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.code_lookup(address):
        return throttle.too_many_page(request, refused)
    key = link.strip().rstrip("/").rsplit("/j/", 1)[-1]

    def run(me: SignedIn) -> str:
        try:
            return service.claim(svc.storage, svc.accounts, me.account.id, organisation_id, key).id
        except AccountProblem:
            limits.join_failed(address)
            raise

    claimed = await _act(request, svc, organisation_id, "claim_error", run)
    return claimed if isinstance(claimed, Response) else RedirectResponse(f"/o/{organisation_id}", status_code=303)


@router.post("/o/{organisation_id}/invitations")
async def invite(
    request: Request, organisation_id: str, svc: ServicesDep, email: Email, role: Annotated[str, Form(max_length=20)]
) -> Response:
    invited = await _act(
        request,
        svc,
        organisation_id,
        "invite_error",
        lambda me: service.invite(svc.accounts, me.account.id, organisation_id, email, role, now_ms()),
    )
    if isinstance(invited, Response):
        return invited
    me = await _me(request, svc)
    assert me is not None
    link = f"{str(request.base_url).rstrip('/')}/invite/{invited}"
    return await _organisation_page(request, svc, me, organisation_id, invitation_url=link, invited=email.strip())


@router.post("/o/{organisation_id}/members/{account_id}")
async def change_member(
    request: Request,
    organisation_id: str,
    account_id: str,
    svc: ServicesDep,
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    """A member's new role, or `remove`."""
    new_role = None if role == "remove" else role
    changed = await _act(
        request,
        svc,
        organisation_id,
        "member_error",
        lambda me: service.change_role(svc.accounts, me.account.id, organisation_id, account_id[:40], new_role),
    )
    if isinstance(changed, Response):
        return changed
    account_sockets(request).membership_changed(account_id, organisation_id)
    return RedirectResponse(f"/o/{organisation_id}", status_code=303)


# -- invitations ------------------------------------------------------------------------------------------


async def _invitation_page(request: Request, svc: Services, token: str, status: int = 200, **extra: Any) -> Response:
    def gather() -> dict[str, Any] | None:
        invitation = service.pending_invitation(svc.accounts, token, now_ms())
        organisation = svc.accounts.organisation(invitation.organisation_id) if invitation else None
        if invitation is None or organisation is None:
            return None
        return {"invitation": invitation, "organisation": organisation}

    context = await run_in_threadpool(gather)
    if context is None:
        return _problem(
            request,
            "This invitation does not work",
            "It has been used, or it is more than a week old. Ask the organisation's owner for a new one.",
            410,
        )
    me = await _me(request, svc)
    return _page(request, "invitation.html", status, token=token, me=me.account if me else None, **context, **extra)


@router.get("/invite/{token}", response_class=HTMLResponse)
async def invitation_page(request: Request, token: str, svc: ServicesDep) -> Response:
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.code_lookup(address):
        return throttle.too_many_page(request, refused)
    return await _invitation_page(request, svc, token[: service.MAX_TOKEN])


@router.post("/invite/{token}")
async def accept_invitation(
    request: Request,
    token: str,
    svc: ServicesDep,
    how: Annotated[str, Form(max_length=10)] = "accept",
    email: Email = "",
    password: Password = "",
) -> Response:
    """Accept as the signed-in account, or after signing in (`how=signin`) or making an account (`how=signup`,
    which works even when open sign-up is closed: the invitation is the permission)."""
    token = token[: service.MAX_TOKEN]
    limits, address = throttle.limits(request), throttle.client_address(request)
    if refused := limits.code_lookup(address):
        return throttle.too_many_page(request, refused)
    session: str | None = None
    if how == "signin":
        signed = await _signed_in_or_refused(request, svc, email, password)
        if isinstance(signed, Response):  # throttled (429), or no such email and password
            if signed.status_code == 429:
                return signed
            return await _invitation_page(
                request, svc, token, 401, signin_error="That email and password do not match."
            )
        session = signed
    elif how == "signup":
        if refused := limits.creation(address):
            return throttle.too_many_page(request, refused)
        if await run_in_threadpool(service.pending_invitation, svc.accounts, token, now_ms()) is None:
            return await _invitation_page(request, svc, token)
        try:
            account = await run_in_threadpool(
                service.create_account, svc.accounts, svc.passwords, email, password, now_ms()
            )
        except AccountProblem as problem:  # create_account turns a taken email into one
            return await _invitation_page(request, svc, token, 422, signup_error=str(problem))
        session = await run_in_threadpool(service.start_session, svc.accounts, account.id, now_ms())
    me = await run_in_threadpool(service.signed_in, svc.accounts, session, now_ms()) if session else None
    me = me or await _me(request, svc)
    if me is None:
        return _to_sign_in()
    accepted = await run_in_threadpool(service.accept_invitation, svc.accounts, token, me.account.id, now_ms())
    if accepted is None:
        limits.join_failed(address)
        return await _invitation_page(request, svc, token)
    response = RedirectResponse(f"/o/{accepted.organisation_id}", status_code=303)
    if session is not None:
        _set_session(response, request, svc, session)
    return response
