// Drawing the board: notes as DOM elements in the world layer, sized by their text and measured (sizes.js);
// links are drawn by arrows.js. A frame touches only what changed since the last one. User text only ever
// goes in through textContent and attribute values.

import { drawLinks } from "./arrows.js";
import { drawTethers } from "./tethers.js";
import { kindOf, live, notesLayer, root, ui } from "./context.js";
import { followInk } from "./ink.js";
import { arrangeNotes } from "./order.js";
import { renderPanels } from "./panels.js";
import { forget, measure, takeMeasureEverything } from "./sizes.js";

export const noteEls = new Map();

function position(note) {
  const drag = live.drags.get(note.id);
  return drag && performance.now() - drag.at < 3000 ? drag : note;
}

// What each element last showed, so a frame only touches what changed: dragging one note on a board of a
// thousand must not rewrite a thousand notes.
const shown = new WeakMap();

function update(el, next) {
  const before = shown.get(el) || {};
  shown.set(el, next);
  return (key) => before[key] !== next[key];
}

export function render() {
  const view = live.view();
  if (!view) return;
  root.classList.toggle("is-locked", live.locked);
  root.querySelector("[data-locked-banner]").hidden = !view.workshop.locked;
  root.querySelector("[data-title]").textContent = view.workshop.title;
  const title = `${view.workshop.title} — Pathweaver`; // the tab's title follows a rename too
  if (document.title !== title) document.title = title;
  root.querySelector("[data-question]").textContent = view.workshop.question;
  root.querySelector("[data-empty]").hidden = view.notes.size > 0;
  const editors = new Map();
  for (const p of live.online.values()) if (p.editing && p.id !== live.me) editors.set(p.editing, p.id);
  const positions = new Map();
  const everything = takeMeasureEverything();
  const resized = [];
  const moved = new Set();
  let reshaped = false;

  for (const [id, el] of noteEls) {
    if (!view.notes.has(id)) { el.remove(); noteEls.delete(id); forget(id); reshaped = true; }
  }
  for (const note of view.notes.values()) {
    let el = noteEls.get(note.id);
    const fresh = !el;
    if (fresh) { el = makeNote(note.id); noteEls.set(note.id, el); notesLayer.append(el); }
    const pos = position(note);
    positions.set(note.id, pos);
    const kind = kindOf.get(note.kind) || { label: note.kind, colour: "#dddddd" };
    const editor = editors.get(note.id) || "";
    const label = note.private ? `${kind.label} · private` : kind.label; // not yet revealed (rule P38)
    const changed = update(el, {
      x: pos.x, y: pos.y, fill: note.colour || kind.colour, pending: Boolean(note.pending), text: note.text,
      label, source: ui.linkFrom === note.id, editor, editing: ui.editing === note.id,
    });
    if (changed("x") || changed("y")) { el.style.transform = `translate(${pos.x}px, ${pos.y}px)`; moved.add(note.id); }
    if (changed("fill")) { const fill = note.colour || kind.colour; el.style.background = fill; followInk(el, fill); }
    if (changed("pending")) el.classList.toggle("pending", Boolean(note.pending));
    if (changed("source")) el.classList.toggle("link-source", ui.linkFrom === note.id);
    if ((changed("label") || changed("editing")) && ui.editing !== note.id) el.querySelector(".note-kind").textContent = label;
    if ((changed("text") || changed("editing")) && ui.editing !== note.id) el.querySelector(".note-text").textContent = note.text;
    if (changed("text") || changed("label") || changed("pending")) {
      el.setAttribute("aria-label", `${label}: ${note.text}${note.pending ? " (not yet saved)" : ""}`);
    }
    // What it shows changed, so its size may have: measure it (not while being edited — then at the end).
    if ((fresh || everything || changed("text") || changed("label") || changed("editing")) && ui.editing !== note.id) {
      resized.push(el);
    }
    if (changed("editor")) {
      const badge = el.querySelector(".note-editor");
      badge.hidden = !editor;
      if (editor) {
        const person = view.participants.get(editor);
        badge.textContent = `${person ? person.name : "Someone"} is editing`;
        badge.style.background = person ? person.colour : "#555";
      }
    }
  }

  if (measure(resized)) reshaped = true;
  drawLinks(view, positions, { moved, reshaped, everything });
  drawTethers(view, positions);
  arrangeNotes(view); // Tab goes through the notes as the map reads
  if (ui.panelsDirty) { ui.panelsDirty = false; renderPanels(view); }
}

export function makeNote(id) {
  const el = document.createElement("div");
  el.className = "note";
  el.tabIndex = 0;
  el.dataset.id = id;
  el.setAttribute("role", "group");
  el.setAttribute("aria-roledescription", "note");
  const kind = document.createElement("div");
  kind.className = "note-kind";
  const text = document.createElement("div");
  text.className = "note-text";
  // Pointer shortcuts; the keyboard has its own (L, Delete), so they stay out of the Tab order.
  const handle = iconButton("note-handle", "→", "Drag onto another note to link them (or press L)", "Link from this note");
  const remove = iconButton("note-delete", "×", "Delete note", "Delete note");
  const badge = document.createElement("div");
  badge.className = "note-editor";
  badge.hidden = true;
  el.append(kind, text, handle, remove, badge);
  return el;
}

export function iconButton(className, symbol, title, label) {
  const button = document.createElement("button");
  button.className = className;
  button.type = "button";
  button.textContent = symbol;
  button.title = title;
  button.setAttribute("aria-label", label);
  button.tabIndex = -1;
  return button;
}
