"""A protocol client for tests: keeps its own copy of the map from the frames it receives.

It applies events with the same `Board.apply` the server uses, checks that sequence numbers arrive with no
gap and no duplicate, and records acks, errors, presence and drags so tests can wait on them.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from typing import Any

import httpx
import orjson
import websockets

from server.board import ops
from server.board.model import Board, Event


class GapError(AssertionError):
    pass


class BoardClient:
    _ids = itertools.count()

    def __init__(self, ws_base: str, workshop_id: str, token: str, name: str = "client") -> None:
        self.ws_base = ws_base
        self.workshop_id = workshop_id
        self.token = token
        self.name = name
        self.board: Board | None = None
        self.me: dict[str, Any] | None = None
        self.epoch: str | None = None  # the server's epoch for this workshop, from the last welcome
        self.welcome_head: int | None = None
        self.acks: dict[str, int] = {}
        self.errors: list[dict[str, Any]] = []
        self.errors_by_cid: dict[str, dict[str, Any]] = {}
        self.presence: dict[str, dict[str, Any]] = {}
        self.drags: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []  # `view` messages: the facilitator's shared view (P33)
        self.welcome_view: dict[str, Any] | None = None
        self.frames: list[dict[str, Any]] = []
        self.received = bytearray()  # every byte of every frame this client was sent, as it came
        self.seen_seqs: list[int] = []
        # Operations sent but neither acknowledged nor refused: resent after a reconnect, as a real client does.
        self.pending: dict[str, str] = {}
        # Every stored-kind operation this client ever sent, in order: tests resend from it.
        self.sent: dict[str, str] = {}
        self.problems: list[str] = []
        self.ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()
        self.close_code: int | None = None

    # -- connection ------------------------------------------------------------------------------------

    async def connect(
        self, since: int | None = None, headers: dict[str, str] | None = None, epoch: str | None = None
    ) -> BoardClient:
        """Connect; with `since`, ask for what was missed after it, in the epoch of the last welcome by default."""
        url = f"{self.ws_base}/api/workshops/{self.workshop_id}/ws"
        if since is not None:
            url += f"?since={since}&epoch={epoch or self.epoch or ''}"
        hdrs = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        self.me = None  # wait for this connection's own welcome
        self.ws = await websockets.connect(url, additional_headers=hdrs, max_size=2**24, compression=None)
        self.close_code = None
        self._reader = asyncio.create_task(self._read())
        await self.wait_for(lambda: self.me is not None and self.board is not None, "welcome and board")
        return self

    async def reconnect(self) -> None:
        """Connect again, asking only for what this client missed."""
        await self.disconnect()
        await self.connect(since=self.board.head if self.board else None)

    async def disconnect(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)
        self.ws = None

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.received += raw.encode() if isinstance(raw, str) else raw
                frame = orjson.loads(raw)
                self.frames.append(frame)
                self._handle(frame)
                async with self._changed:
                    self._changed.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code if self.ws is not None else None
            async with self._changed:
                self._changed.notify_all()

    def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "welcome":
            self.me = frame["you"]
            self.epoch, self.welcome_head = frame["epoch"], frame["head"]
            self.welcome_view = frame.get("view")
            self.presence = {p["id"]: p for p in frame["online"]}
        elif kind == "snapshot":
            self.board = Board.from_dict(frame["board"])
        elif kind == "events":
            for e in frame["events"]:
                self._apply(e)
            self.drags.extend(frame.get("drags", ()))
        elif kind == "ack":
            for a in frame["acks"]:
                self.acks[a["cid"]] = a["seq"]
                self.pending.pop(a["cid"], None)
        elif kind == "error":
            self.errors.append(frame)
            if frame.get("cid"):
                self.errors_by_cid[frame["cid"]] = frame
                self.pending.pop(frame["cid"], None)
        elif kind == "presence":
            if frame["online"]:
                self.presence[frame["id"]] = frame
            else:
                self.presence.pop(frame["id"], None)
        elif kind == "drags":
            self.drags.extend(frame["drags"])
        elif kind == "view":
            self.views.append(frame)

    def _apply(self, e: dict[str, Any]) -> None:
        if self.board is None:
            self.problems.append(f"event {e['seq']} before any board")
            return
        if e["seq"] <= self.board.head:
            return  # already in the snapshot this client started from
        if e["seq"] != self.board.head + 1:
            self.problems.append(f"gap: event {e['seq']} after head {self.board.head}")
            return
        self.seen_seqs.append(e["seq"])
        self.board.apply(Event(seq=e["seq"], op=e["op"], by=e["by"], at=e["at"], data=e["data"]))

    # -- sending ---------------------------------------------------------------------------------------

    def new_cid(self) -> str:
        return f"{self.name}-{next(self._ids)}-{secrets.token_hex(3)}"

    async def send(self, op: str, **fields: Any) -> str:
        cid = fields.pop("cid", None) or self.new_cid()
        raw = orjson.dumps({"op": op, "cid": cid, **fields}).decode()
        if op not in ops.TRANSIENT_OPS:
            self.pending[cid] = raw
            self.sent[cid] = raw
        await self.ws.send(raw)
        return cid

    async def resend_pending(self) -> None:
        for raw in list(self.pending.values()):
            await self.ws.send(raw)

    async def send_raw(self, raw: str | bytes) -> None:
        await self.ws.send(raw)

    async def wait_for(self, predicate: Any, what: str, timeout: float = 10.0) -> None:
        async def until() -> None:
            async with self._changed:
                while not predicate():
                    if self._reader is not None and self._reader.done() and not predicate():
                        raise AssertionError(
                            f"{self.name}: connection closed ({self.close_code}) while waiting for {what}"
                        )
                    await self._changed.wait()

        try:
            await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(f"{self.name}: timed out after {timeout}s waiting for {what}") from None

    async def wait_settled(self, cid: str, timeout: float = 10.0) -> dict[str, Any] | int:
        """The ack's sequence number, or the error frame, for an operation."""
        await self.wait_for(lambda: cid in self.acks or cid in self.errors_by_cid, f"answer to {cid}", timeout)
        return self.acks.get(cid) or self.errors_by_cid[cid]

    async def do(self, op: str, **fields: Any) -> int:
        """Send an operation and wait for its ack; fail on an error."""
        cid = await self.send(op, **fields)
        answer = await self.wait_settled(cid)
        if isinstance(answer, dict):
            raise AssertionError(f"{op} refused: {answer}")
        return answer

    async def refused(self, op: str, **fields: Any) -> dict[str, Any]:
        cid = await self.send(op, **fields)
        answer = await self.wait_settled(cid)
        if not isinstance(answer, dict):
            raise AssertionError(f"{op} was accepted (seq {answer}) but should have been refused")
        return answer

    async def wait_head(self, head: int, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: self.board is not None and self.board.head >= head, f"head {head}", timeout)


async def create_workshop(base: str, title: str = "Test workshop", **extra: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/api/workshops", json={"title": title, **extra})
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]


async def join(base: str, code: str, name: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/api/join", json={"code": code, "name": name})
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]


async def read_map(base: str, workshop_id: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.get(f"/api/workshops/{workshop_id}/map", headers={"Authorization": f"Bearer {token}"})
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]
