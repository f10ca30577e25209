"""A protocol fuzzer: random and mutated frames (websocket and HTTP) from a seed, against a real server.

Each step picks one client and sends it a short burst of frames — valid operations on the map as it stands,
the same with a field dropped, retyped or poisoned (NUL, lone surrogates, controls, huge numbers, deep
nesting, over-long text), other JSON, broken JSON and raw bytes — then a valid "sync" operation whose answer
proves the burst was handled. One client at a time and a sync per burst make a run depend on its seed alone.
Along the way clients reconnect with `since`, HTTP endpoints get the same treatment, and the server is
killed and restarted once. The run fails on any 5xx, any `server_error`, any storage failure in the log, or
any client whose map differs from the stored one.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.client import BoardClient, create_workshop, join, read_map
from tests.support.server import ServerProcess

# Strings no storage or XML should ever be handed (sent as JSON escapes, so lone surrogates survive).
POISON = ["\x00", "a\x00b", "\ud800", "x\udfffy", "\x0b", "\x0c", "\x1b[31m", "\ufffe", "\uffff", "\x7f", "\x01"]
AWKWARD = ["مرحبا بالعالم", "变革理论", "👩🏽‍🔬🚀", "<script>alert(1)</script>", '=HYPERLINK("x")', "a\r\nb", "  ", ""]
ODD_NUMBERS = [0, -0.0, 1e308, -1e308, 2**63, 2**64 + 1, -(2**70), 10**30, 0.1, 3]
RAW_FRAMES = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'"op"',
    b"\xff\xfe\x00",
    b'{"op": "note.add", "x": NaN}',
    b'{"op": "note.add", "x": Infinity}',
    b'{"op": "note.add", "x": 1e999}',
    b'{"op": "note.add"' + b", " * 10,
]
OPS = ["note.add", "note.update", "note.move", "note.drag", "note.delete", "link.add", "link.update", "link.delete"]
FACILITATOR_OPS = ["workshop.lock", "workshop.unlock", "workshop.rename", "workshop.share_exports"]


@dataclass
class FuzzReport:
    seed: int
    frames: int = 0
    http_requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    acked: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        refused = sum(self.refused.values())
        return (
            f"seed {self.seed}: {self.frames} frames, {self.http_requests} HTTP requests "
            f"(statuses {dict(sorted(self.statuses.items()))}), {self.acked} acked, {refused} refused "
            f"({len(self.refused)} codes), {len(self.failures)} failures"
        )


def _dumps(value: Any) -> str:
    """JSON with every non-ASCII character escaped: lone surrogates travel as \\udXXX escapes."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


class Fuzzer:
    def __init__(self, rng: random.Random, board: Any) -> None:
        self.rng = rng
        self.board = board  # a BoardClient's board: ids of live notes and links to aim valid operations at
        self.counter = 0

    def _new_id(self) -> str:
        self.counter += 1
        return f"fz{self.counter:06}"

    def _text(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return f"note {self.rng.randrange(1000)} " + self.rng.choice(AWKWARD)
        if r < 0.85:
            return self.rng.choice(POISON) + "text"
        return "x" * self.rng.choice([199, 200, 201, 2000, 2001, 70_000])

    def _note_id(self) -> str:
        # Anchors (the clients' sync notes) are never aimed at, so every burst can end with a sync.
        notes = sorted(n for n in self.board.notes if not n.startswith("anchor")) if self.board else []
        if notes and self.rng.random() < 0.85:
            return self.rng.choice(notes)
        return self.rng.choice([self._new_id(), "gone", "x", "a" * 65, "\x00note"])

    def _link_id(self) -> str:
        links = sorted(self.board.links) if self.board else []
        return self.rng.choice(links) if links and self.rng.random() < 0.85 else self._new_id()

    def valid_op(self, facilitator: bool) -> dict[str, Any]:
        op = self.rng.choice(OPS + (FACILITATOR_OPS if facilitator else []))
        x, y = self.rng.uniform(-2000, 2000), self.rng.uniform(-2000, 2000)
        kind = self.rng.choice(["impact", "outcome", "output", "activity", "assumption"])
        fields: dict[str, Any] = {
            "note.add": {"id": self._new_id(), "kind": kind, "text": f"note {self.counter}", "x": x, "y": y},
            "note.update": {"id": self._note_id(), "text": f"edit {self.rng.randrange(10**6)}"},
            "note.move": {"id": self._note_id(), "x": x, "y": y},
            "note.drag": {"id": self._note_id(), "x": x, "y": y},
            "note.delete": {"id": self._note_id()},
            "link.add": {"id": self._new_id(), "source": self._note_id(), "target": self._note_id(), "label": "via"},
            "link.update": {"id": self._link_id(), "label": f"label {self.rng.randrange(100)}"},
            "link.delete": {"id": self._link_id()},
            "workshop.lock": {},
            "workshop.unlock": {},
            "workshop.rename": {"title": f"Fuzzed {self.rng.randrange(100)}"},
            "workshop.share_exports": {"enabled": self.rng.random() < 0.5},
        }[op]
        if op == "note.delete" and self.rng.random() < 0.7:
            fields["id"] = self._new_id()  # keep most notes alive so the board stays interesting
        return {"op": op, **fields}

    def mutate(self, frame: dict[str, Any]) -> dict[str, Any]:
        frame = dict(frame)
        keys = [k for k in frame if k != "op"]
        how = self.rng.randrange(7)
        if how == 0 and keys:
            del frame[self.rng.choice(keys)]
        elif how == 1 and keys:
            frame[self.rng.choice(keys)] = self.rng.choice(
                [None, True, [], {}, "str", self.rng.choice(ODD_NUMBERS), [[[1]]]]
            )
        elif how == 2:
            frame[self.rng.choice(["extra", "seq", "by", "__proto__", "\x00"])] = 1
        elif how == 3 and keys:
            frame[self.rng.choice(keys)] = self._text()
        elif how == 4:
            frame["op"] = self.rng.choice(["note.ad", "", "NOTE.ADD", "workshop.delete", 7, None, "\ud800"])
        elif how == 5:
            for axis in ("x", "y"):
                if axis in frame:
                    frame[axis] = self.rng.choice(ODD_NUMBERS)
        else:
            frame["cid"] = self.rng.choice([7, "", "c" * 65, "\x00cid", "\ud800", None, ["c"]])
        return frame

    def frame(self, facilitator: bool) -> str | bytes:
        """One frame to send: mostly valid or mutated operations, sometimes anything at all."""
        r = self.rng.random()
        if r < 0.45:
            return _dumps({**self.valid_op(facilitator), "cid": self._new_id()})
        if r < 0.85:
            return _dumps({**self.mutate(self.valid_op(facilitator)), "cid": self._new_id()})
        if r < 0.9:
            depth = self.rng.choice([50, 300, 3000])
            return '{"op": "note.add", "text": ' + "[" * depth + "]" * depth + "}"
        if r < 0.95:
            return self.rng.choice(RAW_FRAMES)
        return _dumps({"op": "note.add", "id": self._new_id(), "text": "x" * 80_000, "kind": "impact"})


async def _sync(
    client: BoardClient, note_id: str, rng: random.Random, server: ServerProcess, people: list[BoardClient]
) -> None:
    """A valid operation whose answer proves everything this client sent before it was handled; then every
    client catches up with the stored map, so the next step is chosen from the same board on every run."""
    cid = await client.send("note.move", id=note_id, x=rng.uniform(0, 100), y=rng.uniform(0, 100))
    await client.wait_settled(cid, timeout=30)
    head = (await read_map(server.url, client.workshop_id, client.token))["head"]
    for person in people:
        await person.wait_head(head, timeout=30)


async def _http_step(http: httpx.AsyncClient, fuzzer: Fuzzer, workshop: dict[str, Any], token: str) -> httpx.Response:
    rng = fuzzer.rng
    r = rng.random()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if r < 0.6:
        body = fuzzer.frame(facilitator=False)
        content = body.encode() if isinstance(body, str) else body
        return await http.post(f"/api/workshops/{workshop['id']}/ops", content=content, headers=headers)
    if r < 0.8:
        name = rng.choice([*POISON, *AWKWARD, "Ana", "x" * 41])
        body = _dumps(rng.choice([{"code": workshop["join_code"], "name": name}, {"code": name, "name": "Ana"}, []]))
        return await http.post("/api/join", content=body, headers={"Content-Type": "application/json"})
    if r < 0.9:
        title = rng.choice([*POISON, *AWKWARD, "Workshop", "t" * 201])
        body = _dumps(rng.choice([{"title": title}, {"title": "T", "question": title}, {"title": 2**70}]))
        return await http.post("/api/workshops", content=body, headers={"Content-Type": "application/json"})
    return await http.get(f"/api/workshops/{workshop['id']}/map", headers=headers)


async def run(
    server: ServerProcess, seed: int, frames: int, log_dir: Path, clients: int = 4, burst: int = 8
) -> FuzzReport:
    """Fuzz one workshop on a running server: `frames` websocket frames, with HTTP calls, reconnects and one
    kill and restart half way. Returns what happened; `failures` lists every broken promise."""
    rng = random.Random(seed)
    report = FuzzReport(seed)
    workshop = await create_workshop(server.url, f"Fuzz {seed}")
    people = [BoardClient(server.ws_url, workshop["id"], workshop["token"], "fac")]
    for i in range(clients - 1):
        joined = await join(server.url, workshop["join_code"], f"p{i}")
        people.append(BoardClient(server.ws_url, workshop["id"], joined["token"], f"p{i}"))
    anchors = []
    for i, person in enumerate(people):
        await person.connect()
        anchors.append(f"anchor{i:02}")
        await person.do("note.add", id=anchors[-1], kind="activity", text=f"anchor {i}", x=float(i * 300), y=-500.0)
    fuzzer = Fuzzer(rng, people[0].board)
    restarted = False
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        while report.frames < frames:
            who = rng.randrange(len(people))
            person = people[who]
            fuzzer.board = person.board
            if rng.random() < 0.05:
                await person.disconnect()
                await person.connect(since=person.board.head if rng.random() < 0.8 else None)
                await person.resend_pending()
            if not restarted and report.frames >= frames // 2:
                restarted = True
                server.kill()
                for p in people:
                    await p.disconnect()
                server.start(log_path=log_dir / f"server-{seed}-restarted.log")
                for p in people:
                    await p.connect(since=p.board.head)
                    await p.resend_pending()
            for _ in range(burst):
                await person.send_raw(fuzzer.frame(facilitator=who == 0))
                report.frames += 1
            await _sync(person, anchors[who], rng, server, people)
            if rng.random() < 0.3:
                answer = await _http_step(http, fuzzer, workshop, person.token)
                await _sync(person, anchors[who], rng, server, people)
                report.http_requests += 1
                report.statuses[answer.status_code] = report.statuses.get(answer.status_code, 0) + 1
                if answer.status_code >= 500:
                    report.failures.append(f"HTTP {answer.status_code}: {answer.text[:200]}")
                elif answer.status_code >= 400 and not {"code", "message"} <= set(answer.json()):
                    report.failures.append(f"HTTP {answer.status_code} without a Problem body: {answer.text[:200]}")
    for person in people:
        await person.wait_for(lambda p=person: not p.pending, f"{person.name}'s operations answered", timeout=30)
    stored = await read_map(server.url, workshop["id"], workshop["token"])
    for person in people:
        await person.wait_head(stored["head"], timeout=30)
        report.acked += len(person.acks)
        for error in person.errors:
            report.refused[error["code"]] = report.refused.get(error["code"], 0) + 1
            if error["code"] == "server_error":
                report.failures.append(f"{person.name} got server_error: {error['message']}")
        if person.close_code == 1011:
            report.failures.append(f"{person.name} was disconnected by a storage failure")
        if person.problems:
            report.failures.append(f"{person.name}: {person.problems[:3]}")
        if person.board.to_dict() != stored:
            report.failures.append(f"{person.name}'s map differs from the stored map")
        await person.disconnect()
    for log in log_dir.glob("server*.log"):
        text = log.read_text(errors="replace")
        if "Traceback" in text or "failed" in text:
            report.failures.append(f"{log.name} records an error: {text[-600:]}")
    return report


def run_sync(server: ServerProcess, seed: int, frames: int, log_dir: Path) -> FuzzReport:
    return asyncio.run(run(server, seed, frames, log_dir))
