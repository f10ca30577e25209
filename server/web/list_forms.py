"""The list view's forms without scripts (static/js/list_forms.js reads the same forms in the browser): the
operation each asks for, where a new note goes, and how the list groups the notes — under their cluster
(rule P44), then by kind. Pure functions of the map a route has already loaded."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from server.board import clusters, pathways, stories
from server.web import list_evidence

# Where the list view puts a new note on the board: the first free place in a grid of note-sized cells.
GRID_COLUMNS, CELL_W, CELL_H, NOTE_W, NOTE_H = 6, 240, 160, 200, 120


class ListFormProblem(ValueError):
    """A list-view form that cannot make an operation (nothing ticked, no name): its message says what to do."""


def free_spot(notes: list[dict[str, Any]]) -> tuple[float, float]:
    """The first grid cell, row by row, that no note overlaps (static/js/list_forms.js does the same)."""
    taken = set()
    for n in notes:
        column, row = int(n["x"] // CELL_W), int(n["y"] // CELL_H)
        for c in (column, column + 1):
            for r in (row, row + 1):
                if abs(n["x"] - c * CELL_W) < NOTE_W and abs(n["y"] - r * CELL_H) < NOTE_H:
                    taken.add((c, r))
    cell = next(i for i in itertools.count() if (i % GRID_COLUMNS, i // GRID_COLUMNS) not in taken)
    return float((cell % GRID_COLUMNS) * CELL_W), float((cell // GRID_COLUMNS) * CELL_H)


def list_groups(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Each cluster with the notes in it (each note in the first that holds it), then each kind with the rest."""
    placed: set[str] = set()
    groups: list[dict[str, Any]] = []
    notes = {n["id"]: n for n in board["notes"]}
    for cluster in board.get("clusters", ()):
        ids = [i for i in clusters.notes_inside(cluster, board["notes"]) if i not in placed]
        placed.update(ids)
        groups.append({"cluster": cluster, "notes": [notes[i] for i in ids]})
    for kind in board["workshop"]["kinds"]:
        rest = [n for n in board["notes"] if n["kind"] == kind["name"] and n["id"] not in placed]
        groups.append({"kind": kind, "notes": rest})
    return groups


def list_stories(board: dict[str, Any]) -> list[dict[str, Any]]:
    """The contribution stories (rule P52) as the list view shows them: the title, the pathway by its notes'
    text ("A → B → C", a note deleted since as "(deleted since)"), whether it is broken, the parts told, and the
    text of the other factors still on the board."""
    notes = {n["id"]: n for n in board["notes"]}
    pairs = {(lk["source"], lk["target"]) for lk in board["links"]}
    shown = []
    for story in board.get("stories", ()):
        ids = pathways.notes_of(story["pathway"])
        broken = any(i not in notes for i in ids) or any(step not in pairs for step in pathways.steps(ids))
        shown.append(
            {
                "id": story["id"],
                "title": story["title"],
                "pathway": " → ".join(notes[i]["text"] if i in notes else "(deleted since)" for i in ids),
                "broken": broken,
                "parts": [(stories.LABELS[name], story[name]) for name in stories.FIELDS if story[name]],
                "other_factors": [notes[i]["text"] for i in story["other_factors"] if i in notes],
            }
        )
    return shown


def _chosen_frame(form: dict[str, str], chosen: list[str], board: dict[str, Any]) -> dict[str, Any]:
    notes = {n["id"]: n for n in board["notes"]}
    ticked = [i for i in chosen if i in notes]
    if form.get("action") == "merge":
        if len(ticked) < 2:
            raise ListFormProblem("Select two or more notes to merge.")
        into = form.get("into") if form.get("into") in ticked else ticked[0]
        return {"op": "notes.merge", "into": into, "notes": [i for i in ticked if i != into]}
    label = form.get("label", "").strip()
    if not ticked:
        raise ListFormProblem("Select the notes to put in the cluster.")
    if not label:
        raise ListFormProblem("Give the cluster a name.")
    frame = clusters.frame_around([notes[i] for i in ticked])
    return {"op": "cluster.add", "id": "c" + secrets.token_urlsafe(9), "label": label, **frame}


def list_frame(
    form: dict[str, str], board: dict[str, Any], chosen: list[str] | None = None, support: list[str] | None = None
) -> dict[str, Any]:
    """The operation a list-view form asks for; `chosen`: the notes ticked for the selection bar's form;
    `support`: the kinds of support ticked in a link's evidence form (rule P46)."""
    action, note = form.get("action", ""), form.get("note", "")
    if action in list_evidence.ACTIONS:
        try:
            return list_evidence.evidence_frame(form, support or [])
        except list_evidence.EvidenceFormProblem as problem:
            raise ListFormProblem(str(problem)) from problem
    if action == "add":
        x, y = free_spot(board["notes"])
        text, kind = form.get("text", ""), form.get("kind", "")
        return {"op": "note.add", "id": "n" + secrets.token_urlsafe(9), "kind": kind, "text": text, "x": x, "y": y}
    if action == "edit":
        fields = {k: form[k] for k in ("text", "kind") if form.get(k)}
        return {"op": "note.update", "id": note, **fields}
    if action == "link":
        return {
            "op": "link.add",
            "id": "l" + secrets.token_urlsafe(9),
            "source": note,
            "target": form.get("target", ""),
            "label": form.get("label", ""),
        }
    if action == "relabel":
        return {"op": "link.update", "id": form.get("link", ""), "label": form.get("label", "")}
    if action == "unlink":
        return {"op": "link.delete", "id": form.get("link", "")}
    if action == "delete":
        return {"op": "note.delete", "id": note}
    if action in ("merge", "cluster"):
        return _chosen_frame(form, chosen or [], board)
    if action == "unmerge":
        return {"op": "notes.unmerge", "id": note}
    if action == "cluster-rename":
        return {"op": "cluster.update", "id": form.get("cluster", ""), "label": form.get("label", "").strip()}
    if action == "cluster-delete":
        return {"op": "cluster.delete", "id": form.get("cluster", "")}
    return {"op": f"list.{action[:20]}"}
