// Fingers on the board. One finger pans (on empty canvas and on a note alike, so a swipe across the map never
// drags a note by accident); two fingers pinch to zoom and pan together; a long press on a note picks it up,
// and the same finger carries it to where it goes; a short tap selects (focuses) a note or an arrow, and a
// double tap edits, as the browser's own click and double-click do. The mouse and pen keep input.js.
//
// Pointer events, not a gesture library: the board already captures pointers for the mouse (input.js), and the
// libraries that fit (e.g. @use-gesture/vanilla) ship modules with bare imports that a page without a build step
// and without inline scripts (its Content-Security-Policy) cannot resolve.

import { canvas, changedBoard, live, queueRender, root, ui } from "./context.js";
import { send } from "./editing.js";
import { say } from "./panels.js";
import { noteEls } from "./render.js";
import { applyCamera, camera, toBoard } from "./viewport.js";

const LONG_PRESS_MS = 450; // held this long without moving, a finger picks the note up
const SLOP = 10; // screen px a finger may wander and still be a tap or a press
const DRAG_SEND_MS = 33; // others see a carried note ~30 times a second, like a mouse drag (rule P12)
const MIN_ZOOM = 0.1, MAX_ZOOM = 2.5;

const fingers = new Map(); // pointerId -> {x, y} in client px, the fingers down on the board now
let gesture = null; // what the fingers are doing: {type: "press" | "pan" | "pinch" | "carry", ...}

/** Listen to touch pointers on the board (before input.js, which is for the mouse and pen). */
export function listenForTouch() {
  canvas.addEventListener("pointerdown", down, true);
  canvas.addEventListener("pointermove", move, true);
  canvas.addEventListener("pointerup", up, true);
  canvas.addEventListener("pointercancel", cancel, true);
  // A long press is ours (it picks a note up): no context menu, no text selection.
  canvas.addEventListener("contextmenu", (e) => { if (fingers.size || gesture) e.preventDefault(); });
  // Once a note is picked up, the browser must not take the moving finger for a drag of its own (it would
  // cancel the pointer, dropping the note where it was picked up).
  canvas.addEventListener("touchmove", (e) => { if (gesture?.type === "carry") e.preventDefault(); }, { passive: false });
}

function ours(e) {
  return e.pointerType === "touch" && !e.target.closest("button, a, input, textarea, select, .note-tools");
}

function down(e) {
  if (!ours(e)) return;
  e.stopImmediatePropagation(); // input.js's mouse drag and pan must not start under a finger
  fingers.set(e.pointerId, { x: e.clientX, y: e.clientY });
  if (gesture?.type === "carry") return; // a second finger while carrying a note changes nothing
  clearTimeout(gesture?.timer);
  if (fingers.size >= 2) { gesture = pinchFrom(); return; }
  const noteEl = e.target.closest(".note");
  const onNote = noteEl && noteEls.get(noteEl.dataset.id) === noteEl ? noteEl : null;
  gesture = { type: "press", id: e.pointerId, x: e.clientX, y: e.clientY, noteEl: onNote, target: e.target, camera: { ...camera } };
  if (onNote && !live.locked && ui.editing !== onNote.dataset.id) {
    gesture.timer = setTimeout(() => pickUp(gesture), LONG_PRESS_MS);
  }
}

function move(e) {
  if (!fingers.has(e.pointerId)) return;
  e.stopImmediatePropagation();
  fingers.set(e.pointerId, { x: e.clientX, y: e.clientY });
  if (!gesture) return;
  if (gesture.type === "press" && gesture.id === e.pointerId) {
    if (Math.hypot(e.clientX - gesture.x, e.clientY - gesture.y) > SLOP) {
      clearTimeout(gesture.timer);
      gesture = { type: "pan", id: e.pointerId, x: gesture.x, y: gesture.y, camera: gesture.camera };
      canvas.classList.add("panning");
    }
  }
  if (gesture.type === "pan" && gesture.id === e.pointerId) {
    camera.x = gesture.camera.x + e.clientX - gesture.x;
    camera.y = gesture.camera.y + e.clientY - gesture.y;
    applyCamera();
  } else if (gesture.type === "pinch") {
    pinchTo();
  } else if (gesture.type === "carry" && gesture.id === e.pointerId) {
    carryTo(e);
  }
}

function up(e) {
  if (!fingers.has(e.pointerId)) return;
  e.stopImmediatePropagation();
  fingers.delete(e.pointerId);
  if (!gesture) return;
  clearTimeout(gesture.timer);
  if (gesture.type === "press" && gesture.id === e.pointerId) tap(gesture);
  if (gesture.type === "carry" && gesture.id === e.pointerId) putDown(true);
  if (gesture?.type === "pinch") {
    // One finger left: it goes on panning from where it is.
    const [id, at] = [...fingers.entries()][0] || [];
    gesture = id === undefined ? null : { type: "pan", id, x: at.x, y: at.y, camera: { ...camera } };
    return;
  }
  if (!fingers.size || gesture?.type === "press") { canvas.classList.remove("panning"); gesture = null; }
}

function cancel(e) {
  if (!fingers.has(e.pointerId)) return;
  fingers.delete(e.pointerId);
  clearTimeout(gesture?.timer);
  if (gesture?.type === "carry" && gesture.id === e.pointerId) putDown(false);
  if (!fingers.size) { canvas.classList.remove("panning"); gesture = null; }
}

/** A short tap: select the arrow or note under the finger, or leave a selection by tapping the board. */
function tap(press) {
  const linkEl = press.target.closest(".link, .link-label");
  if (linkEl) { ui.selectedLink = linkEl.dataset.id; changedBoard(); return; }
  if (ui.selectedLink) { ui.selectedLink = null; changedBoard(); }
  if (press.noteEl) press.noteEl.focus({ preventScroll: true });
  else if (document.activeElement?.closest?.(".note") && root.contains(document.activeElement)) document.activeElement.blur();
}

// -- two fingers ----------------------------------------------------------------------------------------------

function pair() {
  const [a, b] = [...fingers.values()];
  const r = canvas.getBoundingClientRect();
  return { x: (a.x + b.x) / 2 - r.left, y: (a.y + b.y) / 2 - r.top, d: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)) };
}

function pinchFrom() {
  canvas.classList.add("panning");
  const p = pair();
  // The board point between the fingers stays between them, however they spread or travel.
  return { type: "pinch", d: p.d, zoom: camera.zoom, bx: (p.x - camera.x) / camera.zoom, by: (p.y - camera.y) / camera.zoom };
}

function pinchTo() {
  const p = pair();
  const zoom = Math.min(MAX_ZOOM, Math.max(Math.min(MIN_ZOOM, gesture.zoom), gesture.zoom * (p.d / gesture.d)));
  camera.zoom = zoom;
  camera.x = p.x - gesture.bx * zoom;
  camera.y = p.y - gesture.by * zoom;
  applyCamera();
}

// -- carrying a note --------------------------------------------------------------------------------------------

function pickUp(press) {
  if (gesture !== press || !press.noteEl.isConnected) return;
  const id = press.noteEl.dataset.id;
  const note = live.view()?.notes.get(id);
  if (!note) return;
  gesture = { type: "carry", id: press.id, el: press.noteEl, note: id, from: note, start: toBoard(press.x, press.y), x: note.x, y: note.y, last: 0 };
  press.noteEl.classList.add("dragging", "lifted");
  press.noteEl.focus({ preventScroll: true });
  navigator.vibrate?.(15);
  say("Note picked up: move your finger to where it goes and let go.");
}

function carryTo(e) {
  const g = gesture;
  const p = toBoard(e.clientX, e.clientY);
  g.x = g.from.x + p.x - g.start.x;
  g.y = g.from.y + p.y - g.start.y;
  live.drags.set(g.note, { id: g.note, x: g.x, y: g.y, at: performance.now() });
  queueRender();
  if (e.timeStamp - g.last > DRAG_SEND_MS) { g.last = e.timeStamp; live.sendTransient("note.drag", { id: g.note, x: g.x, y: g.y }); }
}

function putDown(keep) {
  const g = gesture;
  gesture = null;
  live.drags.delete(g.note);
  g.el.classList.remove("dragging", "lifted");
  const x = Math.round(g.x), y = Math.round(g.y);
  if (keep && (x !== g.from.x || y !== g.from.y)) { send("note.move", { id: g.note, x, y }); say("Note moved."); }
  queueRender();
}
