"""Browser-facing defences: one ASGI middleware in front of the whole app.

- Every response tells the browser how it may be used. Pages run only the server's own scripts and styles
  (no inline code, so injected markup cannot run), no page may be framed (the facilitator's lock and
  replace-link buttons cannot be clickjacked), content types are not sniffed, and no address is sent as a
  referrer to another origin (join links carry secrets in their path). Files offered for download (exports)
  are sandboxed: opened in a browser, they run and load nothing.
- A request that changes something (any method but GET, HEAD and OPTIONS) from a browser page on another
  origin is refused with 403 `origin_forbidden`: the participant cookie would otherwise authorize it
  (cross-site request forgery). Programs send no `Origin` and authenticate with a bearer token.
- The `Host` must be a name the server answers to, so a page on a domain re-pointed at this server (DNS
  rebinding) cannot talk to it, over HTTP or websocket: 403 `host_forbidden`.

Starlette's TrustedHostMiddleware answers a bare 400 and knows only names and `*.domain` patterns; here any
IP address is also allowed (an address is never an attacker's name, and people join over the venue's
network by the laptop's address), and refusals have the Problem body every other refusal has.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.config import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# An exported SVG or report opened in the browser is a document made from participants' text: no scripts,
# no requests, its own inline styles only, and a unique origin (sandbox) so it cannot read this server's.
DOWNLOAD_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'none'"
# FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN with inline scripts; they show no user
# text, so they keep only the framing and plug-in limits.
DOCS_POLICY = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

COMMON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # Not no-referrer: under it, browsers send `Origin: null` with the pages' own form posts, which would then
    # look like forgeries. same-origin keeps every address (and the secret in a join link) from other sites.
    (b"referrer-policy", b"same-origin"),
)


@dataclass(frozen=True, slots=True)
class TrustedHosts:
    """The names a request's Host may carry. Any IP address is allowed; `*.example.org` allows subdomains."""

    names: frozenset[str]
    any_name: bool = False

    def allow(self, host_header: str | None) -> bool:
        if self.any_name:
            return True
        name = host_name(host_header)
        if not name:
            return False
        if name in self.names or _is_address(name):
            return True
        return any(p.startswith("*.") and name.endswith(p[1:]) for p in self.names)


def host_name(value: str | None) -> str | None:
    """The name in a Host header or an origin's netloc, lower case, without port or IPv6 brackets."""
    if not value or any(c in value for c in "@/\\?# "):
        return None
    try:
        return urlsplit(f"//{value}").hostname
    except ValueError:
        return None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def trusted_hosts(settings: Settings) -> TrustedHosts:
    """localhost, this machine's names, the hosts of the allowed origins and PATHWEAVER_ALLOWED_HOSTS."""
    machine = socket.gethostname().lower()
    names = {"localhost", machine, f"{machine}.local", *settings.allowed_hosts}
    names.update(h for o in settings.allowed_origins if (h := host_name(urlsplit(o).netloc)))
    return TrustedHosts(frozenset(names), any_name="*" in names)


def origin_allowed(origin: str, host: str | None, allowed_origins: Iterable[str]) -> bool:
    """The page's origin is this server's own (the address the request was sent to) or a configured one."""
    origin = origin.rstrip("/")
    if origin in allowed_origins:
        return True
    try:
        return urlsplit(origin).netloc == host and host is not None
    except ValueError:
        return False


def change_allowed(headers: Headers, allowed_origins: Iterable[str]) -> bool:
    """May this state-changing request proceed? Browsers always say where a page is from; programs do not."""
    origin = headers.get("origin")
    if origin is not None:
        return origin_allowed(origin, headers.get("host"), allowed_origins)
    # An older browser without Origin still says whether the request crossed sites.
    return headers.get("sec-fetch-site") not in ("cross-site", "same-site")


def _problem(code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=403)


class BrowserDefences:
    """Checks Host on every request and Origin on every change; adds the security headers to every response."""

    def __init__(self, app: ASGIApp, settings: Settings, docs_paths: Iterable[str | None] = ()) -> None:
        self.app = app
        self.hosts = trusted_hosts(settings)
        self.allowed_origins = frozenset(settings.allowed_origins)
        self.docs_paths = frozenset(p for p in docs_paths if p)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["type"] == "http":
            send = self._with_headers(scope, send)
        if not self.hosts.allow(headers.get("host")):
            problem = _problem(
                "host_forbidden",
                f"this server does not answer to the name {headers.get('host', '')[:100]!r}: open it by its address, "
                "or add the name to PATHWEAVER_ALLOWED_HOSTS",
            )
            await problem(scope, receive, send)
            return
        # Websockets check Origin themselves (server/web/ws.py), answering in the protocol's own terms.
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            if not change_allowed(headers, self.allowed_origins):
                origin = headers.get("origin")
                where = f"a page from {origin[:100]!r}" if origin is not None else "a page from another site"
                problem = _problem("origin_forbidden", f"{where} may not make changes on this server")
                await problem(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        docs = scope["path"] in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                download = any(k.lower() == b"content-disposition" for k, _ in raw)
                policy = DOWNLOAD_POLICY if download else DOCS_POLICY if docs else PAGE_POLICY
                raw += [*COMMON_HEADERS, (b"content-security-policy", policy.encode())]
                message = {**message, "headers": raw}
            await send(message)

        return send_with_headers
