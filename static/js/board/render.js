// Drawing the board: notes as DOM elements in the world layer, links as SVG lines. A frame touches only what
// changed since the last one. User text only ever goes in through textContent and attribute values.

import { NOTE_H, NOTE_W, SVG_NS, kindOf, linksLayer, live, notesLayer, root, ui } from "./context.js";
import { renderPanels } from "./panels.js";

export const noteEls = new Map();
export const linkEls = new Map();

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
  root.querySelector("[data-question]").textContent = view.workshop.question;
  root.querySelector("[data-empty]").hidden = view.notes.size > 0;
  const editors = new Map();
  for (const p of live.online.values()) if (p.editing && p.id !== live.me) editors.set(p.editing, p.id);
  const positions = new Map();

  for (const [id, el] of noteEls) if (!view.notes.has(id)) { el.remove(); noteEls.delete(id); }
  for (const note of view.notes.values()) {
    let el = noteEls.get(note.id);
    if (!el) { el = makeNote(note.id); noteEls.set(note.id, el); notesLayer.append(el); }
    const pos = position(note);
    positions.set(note.id, pos);
    const kind = kindOf.get(note.kind) || { label: note.kind, colour: "#dddddd" };
    const editor = editors.get(note.id) || "";
    const changed = update(el, {
      x: pos.x, y: pos.y, fill: note.colour || kind.colour, pending: Boolean(note.pending), text: note.text,
      label: kind.label, source: ui.linkFrom === note.id, editor, editing: ui.editing === note.id,
    });
    if (changed("x") || changed("y")) el.style.transform = `translate(${pos.x}px, ${pos.y}px)`;
    if (changed("fill")) el.style.background = note.colour || kind.colour;
    if (changed("pending")) el.classList.toggle("pending", Boolean(note.pending));
    if (changed("source")) el.classList.toggle("link-source", ui.linkFrom === note.id);
    if (changed("label")) el.querySelector(".note-kind").textContent = kind.label;
    if ((changed("text") || changed("editing")) && ui.editing !== note.id) el.querySelector(".note-text").textContent = note.text;
    if (changed("text") || changed("label") || changed("pending")) {
      el.setAttribute("aria-label", `${kind.label}: ${note.text}${note.pending ? " (not yet saved)" : ""}`);
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

  for (const [id, g] of linkEls) if (!view.links.has(id)) { g.remove(); linkEls.delete(id); }
  for (const link of view.links.values()) {
    const a = positions.get(link.source), b = positions.get(link.target);
    if (!a || !b) continue;
    let g = linkEls.get(link.id);
    if (!g) { g = makeLink(link.id); linkEls.set(link.id, g); linksLayer.append(g); }
    const changed = update(g, {
      ax: a.x, ay: a.y, bx: b.x, by: b.y, label: link.label, selected: ui.selectedLink === link.id,
      pending: Boolean(link.pending),
    });
    if (changed("ax") || changed("ay") || changed("bx") || changed("by")) {
      const [x1, y1, x2, y2] = arrowEnds(a, b);
      for (const line of g.querySelectorAll("line")) {
        line.setAttribute("x1", x1); line.setAttribute("y1", y1); line.setAttribute("x2", x2); line.setAttribute("y2", y2);
      }
      const label = g.querySelector("text");
      label.setAttribute("x", (x1 + x2) / 2);
      label.setAttribute("y", (y1 + y2) / 2 - 6);
    }
    if (changed("label")) g.querySelector("text").textContent = link.label;
    if (changed("selected")) g.classList.toggle("selected", ui.selectedLink === link.id);
    if (changed("pending")) g.classList.toggle("pending", Boolean(link.pending));
  }
  if (ui.panelsDirty) { ui.panelsDirty = false; renderPanels(view); }
}

export function arrowEnds(a, b) {
  const ax = a.x + NOTE_W / 2, ay = a.y + NOTE_H / 2, bx = b.x + NOTE_W / 2, by = b.y + NOTE_H / 2;
  const edge = (cx, cy, tx, ty) => {
    const dx = tx - cx, dy = ty - cy;
    if (!dx && !dy) return [cx, cy];
    const s = Math.min(dx ? NOTE_W / 2 / Math.abs(dx) : Infinity, dy ? NOTE_H / 2 / Math.abs(dy) : Infinity);
    return [cx + dx * s, cy + dy * s];
  };
  return [...edge(ax, ay, bx, by), ...edge(bx, by, ax, ay)];
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

export function makeLink(id) {
  const g = document.createElementNS(SVG_NS, "g");
  g.setAttribute("class", "link");
  g.dataset.id = id;
  const hit = document.createElementNS(SVG_NS, "line");
  hit.setAttribute("class", "link-hit");
  const line = document.createElementNS(SVG_NS, "line");
  line.setAttribute("class", "link-line");
  line.setAttribute("marker-end", "url(#arrowhead)");
  const label = document.createElementNS(SVG_NS, "text");
  label.setAttribute("class", "link-label");
  label.setAttribute("text-anchor", "middle");
  g.append(hit, line, label);
  return g;
}
