// Input: pointer (drag notes, draw links, pan, double-click to add or edit) and keyboard (add, move, link,
// edit, delete), turned into changes through editing.js.

import { SVG_NS, canvas, changedBoard, linksLayer, live, queueRender, ui } from "./context.js";
import { addNoteAt, freeSpot, link, noteAt, send, startEditing } from "./editing.js";
import { openDetails } from "./note_details.js";
import { onBoard } from "./keyboard.js";
import { say } from "./panels.js";
import { noteEls } from "./render.js";
import { freePlace } from "./placement.js";
import { snapped } from "./selection.js";
import { noteSize } from "./sizes.js";
import { startPan, toBoard } from "./viewport.js";

const DRAG_SEND_MS = 33; // ~30 positions a second while dragging is plenty (rule P12)

/** Pointer and keyboard listeners on the board. */
export function listenForInput() {
  canvas.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.target.closest("input, textarea, select, .zoom-controls")) return;
    const noteEl = e.target.closest(".note");
    const linkEl = e.target.closest(".link, .link-label");
    if (linkEl) { ui.selectedLink = linkEl.dataset.id; changedBoard(); return; }
    if (ui.selectedLink) { ui.selectedLink = null; changedBoard(); }
    if (noteEl && e.target.closest(".note-delete")) {
      send("note.delete", { id: noteEl.dataset.id });
      return;
    }
    if (noteEl && e.target.closest(".note-handle")) return startLinkDrag(e, noteEl.dataset.id);
    if (noteEl && noteEls.get(noteEl.dataset.id) === noteEl) return startNoteDrag(e, noteEl);
    startPan(e);
  });

  canvas.addEventListener("dblclick", (e) => {
    // The canvas captured the pointer for a possible drag, so the event's target is the canvas: look underneath.
    const under = document.elementFromPoint(e.clientX, e.clientY);
    const noteEl = under?.closest(".note");
    if (noteEl && noteEls.get(noteEl.dataset.id) === noteEl) return startEditing(noteEl);
    if (!noteEl && !under?.closest(".link, .link-label, textarea, select")) {
      const p = toBoard(e.clientX, e.clientY);
      const at = freePlace(p.x, p.y); // here, or the nearest free place: never on top of another note
      addNoteAt(at.x, at.y);
    }
  });

  document.addEventListener("keydown", (e) => {
    if (!onBoard(e.target)) return; // single keys act on the board only, never where someone types (WCAG 2.1.4)
    const noteEl = e.target.closest(".note");
    const id = noteEl?.dataset.id;
    if ((e.key === "n" || e.key === "N") && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const p = freeSpot();
      return addNoteAt(p.x, p.y);
    }
    if (!id || noteEls.get(id) !== noteEl) {
      if (e.key === "Escape") { ui.linkFrom = null; ui.selectedLink = null; changedBoard(); }
      return; // arrows' keys: keyboard.js
    }
    const note = live.view().notes.get(id);
    const step = e.shiftKey ? 50 : 10;
    const arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (arrows[e.key]) {
      e.preventDefault();
      send("note.move", { id, x: note.x + arrows[e.key][0], y: note.y + arrows[e.key][1] });
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (ui.linkFrom && ui.linkFrom !== id) { link(ui.linkFrom, id); ui.linkFrom = null; queueRender(); }
      else startEditing(noteEl);
    } else if (e.key === "l" || e.key === "L") {
      e.preventDefault();
      if (ui.linkFrom && ui.linkFrom !== id) { link(ui.linkFrom, id); ui.linkFrom = null; }
      else { ui.linkFrom = id; say("Linking: move to the note it leads to and press Enter or L. Escape cancels."); }
      queueRender();
    } else if ((e.key === "i" || e.key === "I") && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      openDetails(id);
    } else if (e.key === "Escape") {
      ui.linkFrom = null;
      queueRender();
    } else if (e.key === "Delete") { // never Backspace: it is pressed by people who think they are typing
      e.preventDefault();
      const next = noteEl.nextElementSibling || noteEl.previousElementSibling;
      send("note.delete", { id });
      next?.focus();
    }
  });
}

function startNoteDrag(e, el) {
  const id = el.dataset.id;
  const note = live.view().notes.get(id);
  if (!note || live.locked) return;
  const start = toBoard(e.clientX, e.clientY);
  let moved = false, last = 0, x = note.x, y = note.y;
  canvas.setPointerCapture(e.pointerId);
  const move = (ev) => {
    const p = toBoard(ev.clientX, ev.clientY);
    x = note.x + p.x - start.x; y = note.y + p.y - start.y;
    if (!moved && Math.abs(p.x - start.x) + Math.abs(p.y - start.y) > 3) { moved = true; el.classList.add("dragging"); }
    if (!moved) return;
    live.drags.set(id, { id, x, y, at: performance.now() });
    queueRender();
    if (ev.timeStamp - last > DRAG_SEND_MS) { last = ev.timeStamp; live.sendTransient("note.drag", { id, x, y }); }
  };
  const up = () => {
    canvas.removeEventListener("pointermove", move);
    canvas.removeEventListener("pointerup", up);
    live.drags.delete(id);
    el.classList.remove("dragging");
    if (moved) send("note.move", { id, ...snapped(x, y) });
    el.focus({ preventScroll: true });
    queueRender();
  };
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
}

function startLinkDrag(e, source) {
  e.preventDefault();
  const ghost = document.createElementNS(SVG_NS, "line");
  ghost.setAttribute("class", "link-ghost");
  linksLayer.append(ghost);
  const note = live.view().notes.get(source);
  const size = noteSize(source);
  const from = { x: note.x + size.w / 2, y: note.y + size.h / 2 };
  canvas.setPointerCapture(e.pointerId);
  const move = (ev) => {
    const p = toBoard(ev.clientX, ev.clientY);
    ghost.setAttribute("x1", from.x); ghost.setAttribute("y1", from.y);
    ghost.setAttribute("x2", p.x); ghost.setAttribute("y2", p.y);
  };
  const up = (ev) => {
    canvas.removeEventListener("pointermove", move);
    canvas.removeEventListener("pointerup", up);
    ghost.remove();
    link(source, noteAt(ev.clientX, ev.clientY));
  };
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
}
