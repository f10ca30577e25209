"""Limits at the HTTP and websocket edge: who the client is, 429s with Retry-After, and the body size limit.

The client's address is the socket's peer. X-Forwarded-For is believed only from the proxies named in
PATHWEAVER_TRUSTED_PROXIES (uvicorn's ProxyHeadersMiddleware then puts the client it names in the request), so
a client cannot pick its own address to escape a per-address limit. IPv6 clients are counted by their /64
network, since one host may use any address in it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.requests import HTTPConnection
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from server import imports
from server.config import Settings
from server.limits import Limits, Refused
from server.web.body_limit import BodyLimitMiddleware
from server.web.deps import ApiError

# A map upload is the file plus the form's other fields and multipart framing.
UPLOAD_OVERHEAD_BYTES = 64 * 1024
UPLOAD_PATHS = ("/api/workshops/import", "/import")


def install(app: FastAPI, settings: Settings) -> None:
    """Give the app its limit tables, the body size limit and, when configured, trusted proxies."""
    app.state.limits = Limits(settings.limits)
    upload_limit = imports.MAX_IMPORT_BYTES + UPLOAD_OVERHEAD_BYTES
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.limits.max_body_bytes,
        upload_paths=dict.fromkeys(UPLOAD_PATHS, upload_limit),
    )
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))


def limits(conn: HTTPConnection) -> Limits:
    return conn.app.state.limits  # type: ignore[no-any-return]


def client_address(conn: HTTPConnection) -> str:
    """The key a client is counted under: its address, or its /64 network for IPv6."""
    host = conn.client.host if conn.client else ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host  # not an address (a test client, a Unix socket): count it as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class RateLimited(ApiError):
    """429 `rate_limited`, saying when to try again."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(429, "rate_limited", f"{refused.message}; try again in {refused.retry_after_seconds} s")
        self.headers = {"Retry-After": str(refused.retry_after_seconds)}


def check(refused: Refused | None) -> None:
    """Raise 429 when an action was refused."""
    if refused is not None:
        raise RateLimited(refused)


def operation(request: Request, participant_id: str) -> None:
    """Count one operation over HTTP (the API or the list view); 429 when over the limits."""
    check(limits(request).operation(participant_id, client_address(request)))


def too_many_page(request: Request, refused: Refused) -> HTMLResponse:
    """The 429 page for people (forms), with Retry-After."""
    from server.web.pages import templates  # the pages module imports this one

    context: dict[str, Any] = {
        "title": "Please wait a moment",
        "message": f"Too many requests came from your network: {refused.message}. "
        f"Try again in {refused.retry_after_seconds} seconds.",
    }
    response = templates.TemplateResponse(request, "problem.html", context, status_code=429)
    response.headers["Retry-After"] = str(refused.retry_after_seconds)
    return response
