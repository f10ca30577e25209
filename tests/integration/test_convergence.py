"""Seeded randomized convergence: many clients, racing operations, random disconnects; everyone ends equal.

Each seed drives 6 clients (one of them the facilitator) through a random mix of adds, concurrent edits of
the same notes, moves, drags, deletes racing links, and disconnects followed by reconnects that resend what
was not yet acknowledged. At the end every client's map, the server's snapshot and the stored map are equal.
A failing seed is printed; pin it in PINNED_SEEDS once fixed.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from server.storage.sql import SqlStorage
from tests.integration.conftest import Workshop
from tests.support.client import BoardClient, read_map

SEEDS = list(range(12))
PINNED_SEEDS: list[int] = []  # seeds that once failed: kept forever
CLIENTS = 6
OPS_PER_CLIENT = 40


def random_op(rng: random.Random, client: BoardClient, own: list[str]) -> tuple[str, dict[str, Any]]:
    board = client.board
    notes = list(board.notes) if board else []
    known = notes + own[-5:] + (sorted(board.deleted)[:3] if board else [])  # deleted ids: racing on purpose
    links = list(board.links) if board else []
    roll = rng.random()
    if roll < 0.25 or len(known) < 2:
        note_id = f"{client.name}n{len(own):03}"
        own.append(note_id)
        return "note.add", {
            "id": note_id,
            "kind": rng.choice(["impact", "outcome", "activity"]),
            "text": f"{client.name} idea {len(own)}",
            "x": rng.uniform(0, 900),
            "y": rng.uniform(0, 600),
        }
    target = rng.choice(known[:3]) if rng.random() < 0.4 else rng.choice(known)  # the first notes are hot spots
    if roll < 0.45:
        return "note.update", {"id": target, "text": f"{client.name} says {rng.randrange(1000)}"}
    if roll < 0.55:
        return "note.move", {"id": target, "x": rng.uniform(0, 900), "y": rng.uniform(0, 600)}
    if roll < 0.60:
        return "note.drag", {"id": target, "x": rng.uniform(0, 900), "y": rng.uniform(0, 600)}
    if roll < 0.75:
        source = rng.choice(known)
        return "link.add", {
            "id": f"{client.name}l{rng.randrange(10**6):06}",
            "source": source,
            "target": target,
            "label": rng.choice(["", "leads to", "contributes to"]),
        }
    if roll < 0.82 and links:
        return "link.update", {"id": rng.choice(links), "label": f"because {rng.randrange(99)}"}
    if roll < 0.90 and links:
        return "link.delete", {"id": rng.choice(links)}
    return "note.delete", {"id": target}


async def drive(rng: random.Random, client: BoardClient) -> None:
    own: list[str] = []
    for _ in range(OPS_PER_CLIENT):
        if rng.random() < 0.05:
            await client.disconnect()
            await asyncio.sleep(rng.uniform(0, 0.05))
            await client.connect(since=client.board.head if rng.random() < 0.8 else None)
            await client.resend_pending()
        op, fields = random_op(rng, client, own)
        await client.send(op, **fields)
        await asyncio.sleep(rng.uniform(0, 0.004))


@pytest.mark.rule("P4", "P5", "P7", "P9", "P10", "P11")
@pytest.mark.parametrize("seed", PINNED_SEEDS + SEEDS)
async def test_random_clients_converge(workshop: Workshop, seed: int) -> None:
    rng = random.Random(seed)
    clients = [await workshop.facilitator()] + [await workshop.participant(f"c{i}") for i in range(1, CLIENTS)]
    try:
        await asyncio.gather(*(drive(random.Random(rng.random()), c) for c in clients))
        for c in clients:
            await c.wait_for(lambda c=c: not c.pending, f"{c.name}'s operations all answered")
        server_map = await read_map(workshop.server.url, workshop.id, workshop.created["token"])
        for c in clients:
            await c.wait_head(server_map["head"])
            assert c.problems == [], f"seed {seed}: {c.name} saw {c.problems}"
            assert c.board.to_dict() == server_map, f"seed {seed}: {c.name} diverged from the server"
        stored = SqlStorage(workshop.server.database_url)
        try:
            loaded = stored.load_board(workshop.id)
            assert loaded is not None and loaded.board.to_dict() == server_map, f"seed {seed}: storage diverged"
        finally:
            stored.close()
        assert len(server_map["notes"]) > 0
    except AssertionError as exc:
        raise AssertionError(f"convergence failed for seed {seed} (add it to PINNED_SEEDS): {exc}") from exc
