"""Request bodies are bounded before they are read: 413 `body_too_large` instead of parsing whatever arrives.

A declared Content-Length over the limit is refused at once, before the route runs. A body sent without one
(chunked) is counted as it is received, and reading stops with the same refusal as soon as it passes the limit,
so no more than the limit is ever held. Uploads (map imports) have their own, larger limit. The connection is
kept open: uvicorn discards the rest of the body as it arrives, holding none of it, so that a client still
sending reads the 413 rather than a reset connection.
Modelled on Starlette's RequestBodyLimitMiddleware, with the API's Problem body.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _problem(limit: int) -> dict[str, str]:
    return {"code": "body_too_large", "message": f"the request body is over the {limit:,}-byte limit for this address"}


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit; the app's handler answers it as a Problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_problem(limit))


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, upload_paths: Mapping[str, int]) -> None:
        self.app, self.max_bytes, self.upload_paths = app, max_bytes, upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_paths.get(scope["path"], self.max_bytes)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdecimal() and int(declared) > limit:
            await JSONResponse(_problem(limit), status_code=413)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await JSONResponse(exc.detail, status_code=413)(scope, receive, send)
