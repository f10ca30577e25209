"""A seeded script of operations for clients racing on one board, with every answer predicted in advance.

The script is drawn from the seed alone, before anything runs, and each operation's answer (accepted, or the
refusal code) is predicted by replaying it through the board's own pure rules (`decide`). It is made of
rounds: in each round every client sends a batch at once, without waiting for answers, so the server
interleaves the batches as it likes. For the predicted answers to hold whatever that order, no client deletes,
in a round, anything another client touches in it, and no two clients add a link between the same two notes
in one round. The races whose outcome does not change any answer stay: several clients editing and moving the
same hot notes (last writer wins), linking to the same notes, renaming the workshop. Each round is replayed in
three orders (client by client, in reverse, and interleaved at random) and all three must give the same
answers, so a script that breaks the rule above fails here, not at random on the wire.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import orjson

from server.board.model import Board, Event, Participant
from server.board.refusals import Refusal
from server.board.rules import decide
from server.protocol.codec import decode

ACCEPTED = "accepted"
KINDS = ("impact", "outcome", "activity")


@dataclass
class Step:
    cid: str
    op: str
    fields: dict[str, Any]

    def raw(self) -> str:
        return orjson.dumps({"op": self.op, "cid": self.cid, **self.fields}).decode()


@dataclass
class Batch:
    """One client's part of a round."""

    steps: list[Step] = field(default_factory=list)
    # Drop the connection after sending this many steps (all of them accepted ones), reconnect, resend what was
    # not answered, and send the rest. None: stay connected.
    cut: int | None = None
    since: bool = True  # reconnect with `since=head` (else ask for a snapshot)
    resend: list[str] = field(default_factory=list)  # cids acknowledged in earlier rounds, sent again at the end


@dataclass
class Script:
    rounds: list[list[Batch]]  # rounds[r][i] is client i's batch in round r
    answers: dict[str, str]  # cid -> ACCEPTED or the refusal code, for every numbered operation
    heads: list[int]  # the board's head after each round
    board: Board  # the board at the end (which notes and links exist; texts depend on the server's order)

    def count(self) -> tuple[int, int]:
        """(accepted, refused) operations."""
        accepted = sum(a == ACCEPTED for a in self.answers.values())
        return accepted, len(self.answers) - accepted


def copy_board(board: Board) -> Board:
    copy = Board.from_dict(board.to_dict())
    for deleted in board.deleted:  # a board no room trims holds every deleted id
        copy.deleted.add(deleted, board.deleted.get(deleted) or 0)
    return copy


def answer(board: Board, step: Step, actor: Participant) -> tuple[str, Event | None]:
    """What the server answers `step` on `board`: ACCEPTED (with the event, None for drags) or a refusal code."""
    op, _ = decode(step.raw())
    if isinstance(op, Refusal):
        return op.code, None
    change = decide(board, op, actor, 0)
    if isinstance(change, Refusal):
        return change.code, None
    if step.op == "note.drag":
        return ACCEPTED, None
    return ACCEPTED, Event(seq=board.head + 1, op=change.op, by=actor.id, at=0, data=change.data)


def footprint(board: Board, step: Step) -> tuple[set[str], set[str]]:
    """The ids (and link pairs) a step touches, and those it takes for itself: deletes them or adds that pair."""
    f = step.fields
    if step.op == "note.delete":
        ids = {f["id"], *board.links_of(f["id"])}
        return ids, ids
    if step.op == "link.add":
        pair = f"{f['source']}>{f['target']}"
        existing = board.pairs.get((f["source"], f["target"]))
        return {f["id"], f["source"], f["target"], pair, *([existing] if existing else [])}, {pair}
    if step.op == "link.delete":
        return {f["id"]}, {f["id"]}
    return ({f["id"]} if "id" in f else set()), set()


class _Claims:
    """Who touches what in one round, and who takes it (deletes it, or adds that link pair): a client may not take
    what another touches, nor touch what another takes. This keeps every answer independent of the server's order."""

    def __init__(self) -> None:
        self.touched: dict[str, set[int]] = {}
        self.taken: dict[str, int] = {}

    def clash(self, client: int, ids: set[str], takes: set[str]) -> bool:
        others_take = any(self.taken.get(x, client) != client for x in ids)
        return others_take or any(self.touched.get(x, set()) - {client} for x in takes)

    def record(self, client: int, ids: set[str], takes: set[str]) -> None:
        for x in ids:
            self.touched.setdefault(x, set()).add(client)
        self.taken.update(dict.fromkeys(takes, client))


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.made: dict[str, int] = {}  # ids each client has made so far

    def new_id(self, name: str, kind: str) -> str:
        self.made[name] = self.made.get(name, 0) + 1
        return f"{name}{kind}{self.made[name]:03}"

    def new_note(self, name: str) -> dict[str, Any]:
        rng = self.rng
        x, y = rng.uniform(0, 900), rng.uniform(0, 600)
        return {"id": self.new_id(name, "n"), "kind": rng.choice(KINDS), "text": f"{name} idea", "x": x, "y": y}

    def draw(self, name: str, view: Board) -> tuple[str, dict[str, Any]]:
        """A random operation as a client that sees `view` would send it: mostly valid, some deliberately not."""
        rng = self.rng
        live = list(view.notes)
        gone = sorted(i for i in view.deleted if i[2] == "n")  # ids are c<client>n<number> or c<client>l<number>
        known = live + rng.sample(gone, min(2, len(gone)))  # deleted ids on purpose: delete beats update
        roll = rng.random()
        if roll < 0.22 or len(live) < 2:
            fields = self.new_note(name)
            if gone and rng.random() < 0.1:
                fields["id"] = rng.choice(gone)  # a deleted id is never used again
            return "note.add", fields
        target = rng.choice(live[:3]) if rng.random() < 0.4 else rng.choice(known)  # the first notes are hot spots
        if roll < 0.42:
            text = f"{name} says {rng.randrange(1000)}" if rng.random() < 0.95 else "   "
            return "note.update", {"id": target, "text": text}
        if roll < 0.50:
            x = rng.uniform(0, 900) if rng.random() < 0.9 else 5e6  # beyond the allowed range: bad_value
            return "note.move", {"id": target, "x": x, "y": rng.uniform(0, 600)}
        if roll < 0.55:
            return "note.drag", {"id": rng.choice(live), "x": rng.uniform(0, 900), "y": rng.uniform(0, 600)}
        links = list(view.links)
        if roll < 0.70 or not links:
            label = rng.choice(["", "leads to", "contributes to"])
            source = rng.choice(known)
            return "link.add", {"id": self.new_id(name, "l"), "source": source, "target": target, "label": label}
        dead_links = sorted(i for i in view.deleted if i[2] == "l")
        some_link = rng.choice(links + dead_links[:2])
        if roll < 0.78:
            return "link.update", {"id": some_link, "label": f"because {rng.randrange(99)}"}
        if roll < 0.85:
            return "link.delete", {"id": some_link}
        if roll < 0.96:
            return "note.delete", {"id": target}
        return "workshop.rename", {"title": f"Renamed by {name}"}  # refused unless facilitator

    def batch(
        self, r: int, client: int, actor: Participant, start: Board, claims: _Claims, size: int, answers: dict[str, str]
    ) -> Batch:
        """One client's batch for round `r`, its answers predicted into `answers`."""
        rng, name = self.rng, f"c{client}"
        view = copy_board(start)  # what this client knows: the round's start and its own changes
        batch = Batch()
        for k in range(size):
            step = Step(f"{name}-{r}-{k}", "", {})
            for _attempt in range(10):
                step.op, step.fields = self.draw(name, view)
                result, event = answer(view, step, actor)
                ids, takes = footprint(view, step)
                takes = takes if result == ACCEPTED else set()
                if not claims.clash(client, ids, takes) and (step.op != "note.drag" or result == ACCEPTED):
                    break
            else:  # nothing else fits: a new note always does
                step.op, step.fields = "note.add", self.new_note(name)
                result, event = answer(view, step, actor)
                ids, takes = footprint(view, step)
            claims.record(client, ids, takes)
            if event is not None:
                view.apply(event)
            if step.op != "note.drag":
                answers[step.cid] = result
            batch.steps.append(step)
        if rng.random() < 0.15:  # drop the connection while only accepted operations are unanswered
            accepted = (answers.get(s.cid, ACCEPTED) == ACCEPTED for s in batch.steps)
            prefix = next((n for n, ok in enumerate(accepted) if not ok), len(batch.steps))
            batch.cut, batch.since = rng.randint(0, prefix), rng.random() < 0.8
        earlier = [
            c for c, a in answers.items() if a == ACCEPTED and c.startswith(f"{name}-") and c.split("-")[1] != str(r)
        ]
        if earlier and rng.random() < 0.2:
            batch.resend = rng.sample(earlier, min(len(earlier), rng.randint(1, 3)))
        return batch


def write_script(seed: int, start: Board, actors: list[Participant], rounds: int, ops_per_round: int) -> Script:
    """The script for `seed`, starting from `start` (the board once every client has joined; client 0 facilitates)."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    board = copy_board(start)
    script = Script(rounds=[], answers={}, heads=[], board=board)
    for r in range(rounds):
        claims = _Claims()
        batches = [
            writer.batch(r, i, actor, board, claims, ops_per_round, script.answers) for i, actor in enumerate(actors)
        ]
        board = _replay_round(board, batches, actors, script.answers, rng)
        script.rounds.append(batches)
        script.heads.append(board.head)
    script.board = board
    return script


def _replay_round(
    start: Board, batches: list[Batch], actors: list[Participant], answers: dict[str, str], rng: random.Random
) -> Board:
    """Play a round client by client, in reverse, and interleaved at random: every order must give `answers`."""
    queues = [[(i, s) for s in b.steps] for i, b in enumerate(batches)]
    interleaved: list[tuple[int, Step]] = []
    cursors = [0] * len(queues)
    while any(c < len(q) for c, q in zip(cursors, queues, strict=True)):
        i = rng.choice([i for i, q in enumerate(queues) if cursors[i] < len(q)])
        interleaved.append(queues[i][cursors[i]])
        cursors[i] += 1
    orders = [[x for q in queues for x in q], [x for q in reversed(queues) for x in q], interleaved]
    ends = []
    for order in orders:
        board = copy_board(start)
        for i, step in order:
            result, event = answer(board, step, actors[i])
            expected = answers.get(step.cid, ACCEPTED)
            assert result == expected, f"the script is order-dependent: {step} is {result} here, {expected} alone"
            if event is not None:
                board.apply(event)
        ends.append(board)
    return ends[0]
