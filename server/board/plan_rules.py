"""The facilitator's operations that run the workshop: the plan of phases (P36), the reveal of private notes
(P38), the phase timer (P39), the spotlight (P41), people without a device (P42) and showing everyone the
method's checks (P49). Pure, like
server/board/rules.py, which routes these operations here."""

from __future__ import annotations

from collections.abc import Callable

from server.board import ops, phases, privacy, timer
from server.board.change import Change
from server.board.model import PARTICIPANT_COLOURS, Board, Participant
from server.board.refusals import Refusal, refuse


def _plan_set(board: Board, op: ops.PlanSet, actor: Participant, now: int) -> Change | Refusal:
    plan = [phases.Phase.from_dict(spec.model_dump()) for spec in op.phases]
    problem = phases.check_plan(plan, board.workshop.kind_names(), op.current)
    if problem:
        return refuse("bad_value", problem)
    return Change("plan.set", {"phases": [p.to_dict() for p in plan], "current": op.current, "started_at": now})


def _timer_start(board: Board, op: ops.TimerStart, actor: Participant, now: int) -> Change | Refusal:
    if board.plan.timer.seconds is None:
        return refuse("bad_value", "this phase has no time box: add time to the timer first")
    return Change("timer.start", {"at": now})


def _timer_pause(board: Board, op: ops.TimerPause, actor: Participant, now: int) -> Change | Refusal:
    return Change("timer.pause", {"at": now})


def _timer_add(board: Board, op: ops.TimerAdd, actor: Participant, now: int) -> Change | Refusal:
    problem = timer.check_add(board.plan.timer, op.seconds)
    return refuse("bad_value", problem) if problem else Change("timer.add", {"seconds": op.seconds})


def _notes_reveal(board: Board, op: ops.NotesReveal, actor: Participant, now: int) -> Change | Refusal:
    return Change("notes.reveal", privacy.reveal_data(board, op.anonymous))


def _phase_go(board: Board, op: ops.PhaseGo, actor: Participant, now: int) -> Change | Refusal:
    count = len(board.plan.phases)
    if not 0 <= op.index < count:
        return refuse("bad_value", f"the plan has phases 0 to {count - 1}, not {op.index}")
    return Change("phase.go", {"index": op.index, "from": board.plan.current, "started_at": now})


def _note_spotlight(board: Board, op: ops.NoteSpotlight, actor: Participant, now: int) -> Change | Refusal:
    if op.id is not None:
        note = board.notes.get(op.id)
        if note is None:
            return refuse("note_missing", f"no note {op.id[:80]!r} on the board to spotlight")
        if note.private is not None:  # it would show everyone a note only some may see (rule P38)
            return refuse("bad_value", "reveal private notes before spotlighting one")
    return Change("note.spotlight", {"id": op.id, "by": actor.id})


PROXY = "proxy"  # the role of someone without a device, whom the facilitator acts for (rule P42)
MAX_NAME = 80


def _participant_proxy(board: Board, op: ops.ParticipantProxy, actor: Participant, now: int) -> Change | Refusal:
    name = op.name.strip()
    if not name or len(name) > MAX_NAME:
        return refuse("bad_value", f"a name of 1 to {MAX_NAME} characters")
    colour = PARTICIPANT_COLOURS[len(board.participants) % len(PARTICIPANT_COLOURS)]
    return Change("participant.join", {"id": f"proxy{board.head + 1}", "name": name, "colour": colour, "role": PROXY})


def _workshop_checks(board: Board, op: ops.WorkshopChecks, actor: Participant, now: int) -> Change | Refusal:
    return Change("workshop.checks", {"shown": op.shown})


DECIDERS: dict[type, Callable[..., Change | Refusal]] = {
    ops.WorkshopChecks: _workshop_checks,
    ops.ParticipantProxy: _participant_proxy,
    ops.NoteSpotlight: _note_spotlight,
    ops.PlanSet: _plan_set,
    ops.PhaseGo: _phase_go,
    ops.NotesReveal: _notes_reveal,
    ops.TimerStart: _timer_start,
    ops.TimerPause: _timer_pause,
    ops.TimerAdd: _timer_add,
}
