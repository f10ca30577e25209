// Changing the board: new notes (a draft until it has text), editing text and kind in place, links, and where
// a new note goes. Everything goes through the protocol client; a locked board says so instead.

import { newId } from "../live.js";
import { canvas, kindOf, kindPicker, kinds, live, notesLayer, queueRender, ui } from "./context.js";
import { laneFor } from "./lanes.js";
import { MESSAGES, say, toast } from "./panels.js";
import { onBehalf } from "./proxies.js";
import { makeNote, noteEls } from "./render.js";
import { perform } from "./undo.js";
import { freePlace } from "./placement.js";
import { toBoard } from "./viewport.js";

export function allowed() {
  if (live.locked) { toast(MESSAGES.board_locked); return false; }
  return true;
}

/** Change the board (as a step the person can undo). */
export function send(op, fields) {
  if (allowed()) perform(op, fields);
}

export function addNoteAt(x, y) {
  if (!allowed()) return;
  // A new note exists only on this screen until it has text; then it is sent.
  const id = newId("n");
  const el = makeNote(id);
  const kind = kindOf.get(kindPicker.value) || kinds[0];
  el.style.transform = `translate(${x}px, ${y}px)`;
  el.style.background = kind.colour;
  el.querySelector(".note-kind").textContent = kind.label;
  el.classList.add("draft");
  notesLayer.append(el);
  startEditing(el, { draft: { id, x, y, kind: kind.name } });
}

export function startEditing(el, { draft } = {}) {
  if (!draft && !allowed()) return;
  const id = el.dataset.id;
  const note = live.view()?.notes.get(id);
  ui.editing = id;
  live.sendTransient("presence.set", { editing: draft ? null : id });
  const area = document.createElement("textarea");
  area.className = "note-input";
  area.value = note ? note.text : "";
  area.maxLength = 2000;
  area.setAttribute("aria-label", "Note text (Enter to save, Shift+Enter for a new line, Escape to cancel)");
  const kindSelect = document.createElement("select");
  kindSelect.className = "note-kind-select";
  kindSelect.setAttribute("aria-label", "Kind of note");
  for (const k of kinds) kindSelect.append(new Option(k.label, k.name, false, k.name === (note ? note.kind : draft.kind)));
  const textEl = el.querySelector(".note-text");
  textEl.replaceChildren(area);
  el.querySelector(".note-kind").replaceChildren(kindSelect);
  area.focus();
  let finished = false;
  const finish = (save) => {
    if (finished) return;
    finished = true;
    ui.editing = null;
    live.sendTransient("presence.set", { editing: null });
    const text = area.value.trim();
    const kind = kindSelect.value;
    if (draft) {
      el.remove();
      if (save && text) {
        perform("note.add", { id: draft.id, kind, text, x: draft.x, y: draft.y, ...onBehalf() });
        // Focus the new note once drawn, unless the person has already started another one.
        requestAnimationFrame(() => { if (!ui.editing) noteEls.get(draft.id)?.focus(); });
      }
    } else {
      textEl.textContent = note ? note.text : "";
      // The selector goes with the editing, not a focusable <select> left behind; the kind's name comes back
      // (the redraw shows a changed kind).
      const shown = live.view()?.notes.get(id) || note;
      el.querySelector(".note-kind").textContent = shown ? (kindOf.get(shown.kind)?.label ?? shown.kind) : "";
      if (save && note && text && (text !== note.text || kind !== note.kind)) {
        send("note.update", { id, ...(text !== note.text ? { text } : {}), ...(kind !== note.kind ? { kind } : {}) });
      }
      el.focus();
    }
    queueRender();
  };
  area.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); finish(true); }
    if (e.key === "Escape") { e.preventDefault(); finish(false); }
  });
  kindSelect.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (e.key === "Enter") { e.preventDefault(); finish(true); }
    if (e.key === "Escape") { e.preventDefault(); finish(false); }
  });
  el.addEventListener("focusout", (e) => {
    if (!el.contains(e.relatedTarget)) finish(true);
  });
}

export function noteAt(clientX, clientY) {
  const el = document.elementFromPoint(clientX, clientY)?.closest(".note");
  return el && noteEls.get(el.dataset.id) === el ? el.dataset.id : null;
}

export function link(source, target) {
  if (!source || !target || source === target) return;
  send("link.add", { id: newId("l"), source, target, label: "" });
  say("Linked.");
}

export function freeSpot() {
  // The free place nearest the middle of the screen, in view, so a new note never hides another; in its lane,
  // when the board has one for the kind being added (rule P45).
  const r = canvas.getBoundingClientRect();
  const c = toBoard(r.left + r.width / 2, r.top + r.height / 2);
  const lane = laneFor((kindOf.get(kindPicker.value) || kinds[0]).name);
  if (lane) return freePlace(lane.x + lane.width / 2, c.y, { grid: true, within: lane });
  return freePlace(c.x, c.y, { grid: true });
}
