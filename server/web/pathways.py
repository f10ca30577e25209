"""How strong each pathway is, live (rule P54): read as the checks are (P49) — the facilitator's always,
everyone's once the facilitator shows the checks — and each reader gets the pathways of the map as they may
see it (private notes stay private, rule P38)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from server.analysis import pathway_strength
from server.web.deps import ApiError, ParticipantDep, ServicesDep
from server.web.http import committed_map, problems

router = APIRouter(prefix="/api")


@router.get("/workshops/{workshop_id}/pathways", responses=problems(401, 403, 404, 503))
async def pathway_strengths(
    workshop_id: str,
    participant: ParticipantDep,
    svc: ServicesDep,
    per_impact: Annotated[
        int, Query(ge=1, le=pathway_strength.MAX_PER_IMPACT, description="The weakest this many of each impact's.")
    ] = pathway_strength.MAX_PER_IMPACT,
) -> dict[str, Any]:
    """Each impact's pathways from an activity, weakest first: the lowest evidence grade along each, the lowest
    mean confidence, how many links nobody rated, its weakest links, the assumptions it rests on, its links on
    assumption alone, and its contested links. `count` says how many were found, of which `per_impact` are
    listed."""
    snapshot = await committed_map(svc, workshop_id, participant, shared=True)  # only read
    if not participant.is_facilitator and not snapshot["workshop"].get("checks_for_everyone"):
        raise ApiError(403, "facilitator_only", "the facilitator has not shown the checks to everyone")
    found = await run_in_threadpool(pathway_strength.run, snapshot)
    impacts = [{**i, "pathways": i["pathways"][:per_impact]} for i in found["impacts"]]
    return {"head": snapshot["head"], "impacts": impacts}
