"""Proposed layouts of the map, for the facilitator's console to apply as one `notes.arrange` (rule P35)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from server.board.ops import MAX_ARRANGED
from server.layout import kinds
from server.web.deps import ApiError, FacilitatorDep, ServicesDep
from server.web.http import committed_map, problems

router = APIRouter(prefix="/api")


class Position(BaseModel):
    id: str
    x: float
    y: float


class Layout(BaseModel):
    by: Literal["kind"]
    engine: str = Field(description="What placed the notes: `graphviz`, or `columns` when Graphviz is not there.")
    head: int = Field(description="The map's sequence number the layout was made from.")
    columns: list[str] = Field(description="The kinds, left to right.")
    positions: list[Position] = Field(description="Each note's proposed top-left corner, in board coordinates.")


@router.get("/workshops/{workshop_id}/layout", response_model=Layout, responses=problems(401, 403, 404, 409, 503))
async def propose_layout(
    workshop_id: str, facilitator: FacilitatorDep, svc: ServicesDep, by: Literal["kind"] = "kind"
) -> Layout:
    """Where every note would go, laid out by kind from left to right. Nothing moves until the facilitator
    sends the positions as one `notes.arrange`."""
    snapshot = await committed_map(svc, workshop_id, facilitator)
    # Private notes stay where their authors put them until revealed: a batch move would show everyone them.
    snapshot = {**snapshot, "notes": [n for n in snapshot["notes"] if not n.get("private")]}
    if len(snapshot["notes"]) > MAX_ARRANGED:
        raise ApiError(
            409, "too_many_notes", f"a layout moves at most {MAX_ARRANGED} notes; this map has {len(snapshot['notes'])}"
        )
    placed, engine = await run_in_threadpool(kinds.by_kind, snapshot)
    palette = [k["name"] for k in snapshot["workshop"]["kinds"]]
    used = {n["kind"] for n in snapshot["notes"]}
    return Layout(
        by=by,
        engine=engine,
        head=snapshot["head"],
        columns=[k for k in kinds.column_kinds(palette, sorted(used), snapshot.get("lanes") or ()) if k in used],
        positions=[Position(id=p.id, x=p.x, y=p.y) for p in placed],
    )
