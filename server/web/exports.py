"""Downloading the map in any export format, and importing a map file as a new workshop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from pydantic import AfterValidator
from starlette.concurrency import run_in_threadpool

from server import export, imports, workshops
from server.board import characters
from server.clock import now_ms
from server.export import subset
from server.web import throttle
from server.web.deps import ApiError, ReaderDep, ServicesDep
from server.web.http import WorkshopCreated, committed_map, problems, set_token_cookie, workshop_created

router = APIRouter(prefix="/api")


@router.get("/export-formats")
async def export_formats() -> list[dict[str, str]]:
    """The formats a map can be exported in."""
    return [{"name": f.name, "title": f.title, "extension": f.extension} for f in export.FORMATS.values()]


@router.get(
    "/workshops/{workshop_id}/export/{format_name}",
    responses={
        200: {"content": {f.media_type.split(";")[0]: {} for f in export.FORMATS.values()}},
        **problems(400, 401, 403, 404, 422, 503),
    },
    response_class=Response,
)
async def download(
    workshop_id: str,
    format_name: Annotated[str, Path(examples=list(export.FORMATS))],
    participant: ReaderDep,
    svc: ServicesDep,
    impact: Annotated[
        str | None,
        Query(
            min_length=4,
            max_length=64,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="a note's id: only that note (an impact) and the notes with a pathway to it",
        ),
    ] = None,
    names: Annotated[bool, Query(description="false: the reports without anyone's name")] = True,
) -> Response:
    """The map as a file. Facilitator only, unless the facilitator has shared exports with participants; members
    of the workshop's organisation may always export it (a viewer sees what participants see)."""
    if format_name not in export.FORMATS:
        raise ApiError(404, "unknown_format", f"no export format {format_name!r}; see /api/export-formats")
    snapshot = await committed_map(svc, workshop_id, participant)
    may_export = participant.is_facilitator or participant.role == "viewer"
    if not may_export and not snapshot["workshop"].get("exports_for_participants"):
        raise ApiError(403, "facilitator_only", "the facilitator has not shared exports with participants")
    try:
        data = await run_in_threadpool(export.export, snapshot, format_name, now_ms(), impact, names)
    except export.NamesKept as exc:
        raise ApiError(400, "names_kept", str(exc)) from None
    except subset.UnknownNote:
        raise ApiError(404, "note_missing", f"the map has no note {impact!r} to export the pathways to") from None
    name = export.filename(snapshot["workshop"]["title"], format_name)
    return Response(
        data,
        media_type=export.FORMATS[format_name].media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/workshops/import", status_code=201, response_model=WorkshopCreated, responses=problems(400, 413, 429))
async def import_workshop(
    request: Request,
    response: Response,
    svc: ServicesDep,
    file: Annotated[UploadFile, File(description="A Pathweaver JSON export, a CSV zip, or notes.csv")],
    title: Annotated[str, Form(max_length=200), AfterValidator(characters.storable)] = "",
    facilitator_name: Annotated[str, Form(min_length=1, max_length=40), AfterValidator(characters.storable)] = (
        "Facilitator"
    ),
) -> WorkshopCreated:
    """Create a new workshop from a map file; the uploader becomes its facilitator."""
    throttle.check(throttle.limits(request).creation(throttle.client_address(request)))
    data = await file.read(imports.MAX_IMPORT_BYTES + 1)
    if len(data) > imports.MAX_IMPORT_BYTES:
        raise ApiError(413, "file_too_large", f"the file is over the {imports.MAX_IMPORT_BYTES:,}-byte limit")

    def run() -> tuple[imports.Imported, workshops.Joined]:
        draft = imports.read_upload(data, file.filename or "map.json", title)
        done = imports.import_map(svc.storage, svc.secret_key, draft)
        return done, workshops.join(svc.storage, done.created.workshop, "facilitator", facilitator_name.strip())

    try:
        done, joined = await run_in_threadpool(run)
    except imports.ImportProblem as exc:
        raise ApiError(400, "import_failed", str(exc)) from None
    set_token_cookie(response, request, done.created.workshop.id, joined.token)
    return workshop_created(request, done.created, joined)
