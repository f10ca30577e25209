"""Every HTTP refusal is a `Problem` ({code, message}), and the OpenAPI document says so.

FastAPI's own answers to a request that does not match the schema (422 `{"detail": [...]}`) and to a body it
cannot parse (a bare 400) become Problems here, and the schema documents them on every operation: what the
document promises is what a client gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from server.board import characters
from server.web.http import Problem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def install(app: FastAPI) -> None:
    """Answer every refusal as a Problem and make the app's OpenAPI document say so."""
    app.add_exception_handler(HTTPException, http_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_problem)  # type: ignore[arg-type]
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    # A message may quote what the client sent; keep it encodable whatever that was.
    return JSONResponse({"code": code, "message": characters.for_xml(message)}, status_code=status, headers=headers)


async def http_problem(request: Request, exc: HTTPException) -> JSONResponse:
    # ApiError details are {code, message}; show them at the top level, the shape the protocol uses too.
    if isinstance(exc.detail, dict):
        body = {**exc.detail, "message": characters.for_xml(str(exc.detail.get("message", "")))}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    return problem(exc.status_code, "http_error", str(exc.detail), exc.headers)


async def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request the schema does not allow: 400 when the body is not JSON, else 422 naming the field."""
    errors = list(exc.errors())
    for error in errors:
        if error["type"] == "json_invalid":
            reason = error.get("ctx", {}).get("error", "not JSON")
            return problem(400, "malformed_json", f"the request body is not valid JSON: {reason}")
    for error in errors:
        if error["type"] == characters.ERROR_TYPE:
            return problem(422, "bad_value", _field_message(error))
    return problem(422, "bad_request", "; ".join(_field_message(e) for e in errors[:3]) or "invalid request")


def _field_message(error: dict[str, Any]) -> str:
    """`kinds.0.colour: String should match pattern …`: where the problem is, then what it is."""
    source, *path = [str(part) for part in error.get("loc", ())] or ["request"]
    where = ".".join(path) if source == "body" else f"{source} parameter {'.'.join(path)}".strip()
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace FastAPI's `HTTPValidationError` answers with Problem, and document the 400 a body can cause."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                responses["422"] = _response("The request does not match this schema: {code, message}")
            if "requestBody" in operation:
                responses.setdefault("400", _response("The body cannot be read (not JSON, or nested too deeply)"))
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.setdefault("Problem", Problem.model_json_schema())
    return schema


def _response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": PROBLEM_REF}}}
