// What a list-view form asks for, as a protocol operation. The forms are the same ones that post to the
// server when scripts do not run (server/web/pages.py list_frame reads them alike); here they go through the
// live client instead, which queues them while offline.

import { newId } from "./live.js";
import { frameAround } from "./board/frames.js";
import { evidenceOperationFor } from "./list_evidence_forms.js";

// A new note from the list goes to the first free place, row by row, in a grid of note-sized cells (as
// server/web/pages.py free_spot does), so that it never lands on top of another note on the board.
const COLUMNS = 6, CELL_W = 240, CELL_H = 160, NOTE_W = 200, NOTE_H = 120;

export function freeSpot(notes) {
  const taken = new Set();
  for (const n of notes) {
    const column = Math.floor(n.x / CELL_W), row = Math.floor(n.y / CELL_H);
    for (const c of [column, column + 1]) {
      for (const r of [row, row + 1]) {
        if (Math.abs(n.x - c * CELL_W) < NOTE_W && Math.abs(n.y - r * CELL_H) < NOTE_H) taken.add(`${c},${r}`);
      }
    }
  }
  let cell = 0;
  while (taken.has(`${cell % COLUMNS},${Math.floor(cell / COLUMNS)}`)) cell++;
  return { x: (cell % COLUMNS) * CELL_W, y: Math.floor(cell / COLUMNS) * CELL_H };
}

/** A note's box as the list reckons it: the list draws no notes, so every note has a note's usual size. */
export function listBox(note) {
  return { x: note.x, y: note.y, w: NOTE_W, h: NOTE_H };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function short(text, length = 60) {
  const chars = Array.from(text);
  return chars.length > length ? `${chars.slice(0, length - 1).join("")}…` : text;
}

// The operation a submitted form asks for: {op, fields, said, undo} (said: what to tell the person; undo: the
// operation that takes it back, offered beside it), or {refused} when the map as this person sees it already
// shows it cannot be done, or null for no change. `data.chosen` holds the ticked notes' ids; `actingFor`, the
// person without a device the facilitator is adding notes for (rule P42), or null.
export function operationFor(data, view, actingFor = null) {
  const note = view.notes.get(data.note);
  const chosen = (data.chosen ?? []).filter((id) => view.notes.has(id));
  const cluster = view.clusters?.get(data.cluster);
  switch (data.action) {
    case "add": {
      const { x, y } = freeSpot(view.notes.values());
      const behalf = actingFor ? { on_behalf_of: actingFor } : {};
      return { op: "note.add", fields: { id: newId("n"), kind: data.kind, text: data.text, x, y, ...behalf },
               said: `Added: ${short(data.text)}` };
    }
    case "merge": { // rule P43: into the note chosen under "Merge into", the first ticked unless another is
      const into = chosen.includes(data.into) ? data.into : chosen[0];
      const others = chosen.filter((id) => id !== into);
      if (!others.length) return { refused: "Select two or more notes to merge." };
      if (chosen.some((id) => view.notes.get(id).private)) {
        return { refused: "Private notes can be merged once the facilitator reveals them." };
      }
      const text = short(view.notes.get(into).text);
      return { op: "notes.merge", fields: { into, notes: others }, said: `Merged ${plural(others.length, "note")} into “${text}”.`,
               undo: { label: "Undo the merge", op: "notes.unmerge", fields: { id: into }, said: `Merge undone: ${text}` } };
    }
    case "unmerge":
      if (!note?.merged?.length) return { refused: "That merge is no longer there to undo." };
      return { op: "notes.unmerge", fields: { id: note.id }, said: `Merge undone: ${short(note.text)}` };
    case "cluster": { // rule P44: a frame around the ticked notes, as the board draws one around selected notes
      const label = (data.label || "").trim();
      if (!chosen.length) return { refused: "Select the notes to put in the cluster." };
      if (!label) return { refused: "Give the cluster a name." };
      const frame = frameAround(chosen.map((id) => listBox(view.notes.get(id))));
      return { op: "cluster.add", fields: { id: newId("c"), label: label.slice(0, 200), ...frame },
               said: `Cluster “${short(label)}” drawn around ${plural(chosen.length, "note")}.` };
    }
    case "cluster-rename": {
      if (!cluster) return { refused: "That cluster is no longer on the board." };
      const label = (data.label || "").trim();
      if (!label) return { refused: "Give the cluster a name." };
      if (label === cluster.label) return null;
      return { op: "cluster.update", fields: { id: cluster.id, label: label.slice(0, 200) }, said: `Cluster renamed: ${short(label)}` };
    }
    case "cluster-delete": {
      if (!cluster) return null;
      const { label, x, y, width, height } = cluster;
      return { op: "cluster.delete", fields: { id: cluster.id }, said: `Cluster “${short(label)}” removed; its notes stay.`,
               undo: { label: "Undo", op: "cluster.add", fields: { id: newId("c"), label, x, y, width, height },
                       said: `Cluster “${short(label)}” is back.` } };
    }
    case "edit": {
      if (!note) return { refused: "That note is no longer on the board." };
      // Only what this person changed: a field someone else is changing meanwhile is left to them.
      const fields = {};
      if (data.text && data.text !== note.text) fields.text = data.text;
      if (data.kind && data.kind !== note.kind) fields.kind = data.kind;
      if (!Object.keys(fields).length) return null;
      return { op: "note.update", fields: { id: note.id, ...fields }, said: `Saved: ${short(data.text || note.text)}` };
    }
    case "link": {
      const target = view.notes.get(data.target);
      if (!note || !target) return { refused: "That note is no longer on the board." };
      for (const l of view.links.values()) {
        if (l.source === note.id && l.target === target.id) return { refused: "Those notes are already linked that way." };
      }
      return { op: "link.add", fields: { id: newId("l"), source: note.id, target: target.id, label: data.label || "" },
               said: `Linked to ${short(target.text)}` };
    }
    case "relabel": {
      const link = view.links.get(data.link);
      if (!link) return { refused: "That link is no longer on the board." };
      if ((data.label || "") === link.label) return null;
      return { op: "link.update", fields: { id: link.id, label: data.label || "" },
               said: data.label ? `Label saved: ${short(data.label)}` : "Label removed" };
    }
    case "unlink":
      if (!view.links.has(data.link)) return { refused: "That link is no longer on the board." };
      return { op: "link.delete", fields: { id: data.link }, said: "Unlinked" };
    case "delete":
      if (!note) return null;
      return { op: "note.delete", fields: { id: note.id }, said: `Deleted: ${short(note.text)}` };
    default: // a link's evidence, endorsements, a person's group (rules P46, P51)
      return evidenceOperationFor(data, view, actingFor) ?? null;
  }
}
