"""The method's checks on the map (rule P49): the facilitator's always, everyone's once the facilitator shows
them. Each reader gets the checks of the map as they may see it (private notes stay private, rule P38)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from server.analysis import checks
from server.web.deps import ApiError, ReaderDep, ServicesDep
from server.web.http import committed_map, problems

router = APIRouter(prefix="/api")


@router.get("/workshops/{workshop_id}/checks", responses=problems(401, 403, 404, 503))
async def method_checks(workshop_id: str, participant: ReaderDep, svc: ServicesDep) -> dict[str, Any]:
    """Where the map breaks its own logic: links that run backwards or skip steps, impacts no activity reaches,
    activities that reach no impact, outcomes and impacts without an indicator, links resting on assumption
    alone, assumptions attached to nothing, and feedback loops (information, not errors)."""
    snapshot = await committed_map(svc, workshop_id, participant, shared=True)  # only read
    if not participant.is_facilitator and not snapshot["workshop"].get("checks_for_everyone"):
        raise ApiError(403, "facilitator_only", "the facilitator has not shown the checks to everyone")
    found = await run_in_threadpool(checks.run, snapshot)
    return {"head": snapshot["head"], **checks.as_json(found)}
