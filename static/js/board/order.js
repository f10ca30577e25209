// The notes' order on the page is the board's reading order, so Tab (and a screen reader's reading) goes
// through the map as it is laid out: column by column from left to right, each from top to bottom. A map laid
// out by kind (activities → outputs → outcomes → impacts) is read kind by kind. Notes are put in order in the
// DOM with moveBefore, which keeps focus and an edit in progress where they are; where a browser has no
// moveBefore, a note is never moved while focus is inside the notes (the order catches up afterwards).

import { notesLayer } from "./context.js";
import { noteEls } from "./render.js";

const COLUMN = 160; // board px: notes whose left edges are closer than a narrow note's width share a column

let shown = ""; // the order the notes are in now, as ids

/** The notes' ids in reading order: by column left to right, then top to bottom (ties by id). */
export function readingOrder(notes) {
  const byX = [...notes].sort((a, b) => a.x - b.x || a.y - b.y || (a.id < b.id ? -1 : 1));
  const columns = [];
  for (const n of byX) {
    const last = columns[columns.length - 1];
    if (last && n.x - last.x < COLUMN) last.notes.push(n);
    else columns.push({ x: n.x, notes: [n] });
  }
  return columns.flatMap((c) => c.notes.sort((a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1)).map((n) => n.id));
}

/** Put the note elements in reading order (called after each frame is drawn; cheap when nothing moved). */
export function arrangeNotes(view) {
  const ids = readingOrder(view.notes.values());
  const key = ids.join(" ");
  if (key === shown) return;
  const canMove = typeof notesLayer.moveBefore === "function";
  if (!canMove && notesLayer.contains(document.activeElement)) return; // later: moving would take focus away
  let cursor = notesLayer.firstChild;
  for (const id of ids) {
    const el = noteEls.get(id);
    if (!el) continue;
    if (el === cursor) { cursor = cursor.nextSibling; continue; }
    if (canMove) notesLayer.moveBefore(el, cursor);
    else notesLayer.insertBefore(el, cursor);
  }
  shown = key;
}

/** "Skip to the board" lands on the first note in reading order (on the board itself when it has none). */
export function listenForSkipToBoard() {
  document.querySelector("[data-skip][href='#board']")?.addEventListener("click", (e) => {
    const first = [...notesLayer.children].find((el) => noteEls.get(el.dataset.id) === el);
    if (!first) return; // the link's own target, the board, takes focus
    e.preventDefault();
    first.focus();
  });
}
