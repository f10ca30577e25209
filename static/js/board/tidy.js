// Tidying the board, for the facilitator: "Tidy: arrange by kind" asks the server for a layout (activities →
// outputs → outcomes → impacts, left to right, laid out by Graphviz) and applies it as one `notes.arrange`
// (rule P35), so one Undo puts every note back where it was.

import { isFacilitator, live, root } from "./context.js";
import { allowed } from "./editing.js";
import { say, toast } from "./panels.js";
import { perform } from "./undo.js";
import { fit } from "./viewport.js";

const MAX_MOVES = 1000; // the most one notes.arrange carries

/** Move these notes to these positions as one step this person can undo; true if anything moved. */
export function arrange(positions) {
  const notes = live.view()?.notes || new Map();
  const moves = [];
  for (const p of positions) {
    const note = notes.get(p.id);
    if (!note || (note.x === p.x && note.y === p.y)) continue;
    moves.push({ id: p.id, x: p.x, y: p.y, ...(Number.isInteger(note.version) ? { expect: note.version } : {}) });
  }
  if (!moves.length) return false;
  if (moves.length > MAX_MOVES) { toast(`Too many notes to move at once (${moves.length}; at most ${MAX_MOVES}).`); return false; }
  perform("notes.arrange", { moves });
  return true;
}

async function arrangeByKind(button) {
  if (!allowed()) return;
  button.disabled = true;
  try {
    const r = await fetch(`/api/workshops/${live.workshopId}/layout?by=kind`, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { toast(body.message || "Could not lay out the board."); return; }
    if (arrange(body.positions)) {
      say(`Arranged ${body.positions.length} notes by kind: ${body.columns.join(", ")}. Undo puts them back.`);
      requestAnimationFrame(() => requestAnimationFrame(() => fit()));
    } else {
      say("The board is already arranged by kind.");
    }
  } catch {
    toast("Could not reach the server to lay out the board.");
  } finally {
    button.disabled = false;
  }
}

/** The console's tidy buttons. */
export function listenForTidy() {
  const button = root.querySelector("[data-action=tidy-by-kind]");
  if (!isFacilitator || !button) return;
  button.addEventListener("click", () => arrangeByKind(button));
}
