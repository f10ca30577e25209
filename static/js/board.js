// The board canvas: notes you can add, edit, drag and link; pan and zoom; everything by keyboard too.
// Attached to the element with [data-board]; draws from Live (live.js). User text only ever goes into the
// page through textContent and attribute values, never as markup.

import { Live, newId } from "./live.js";

const NOTE_W = 200;
const NOTE_H = 120;
const DRAG_SEND_MS = 33; // ~30 positions a second while dragging is plenty (rule P12)
const SVG_NS = "http://www.w3.org/2000/svg";
const MESSAGES = {
  board_locked: "The facilitator has locked the board.",
  note_deleted: "Someone deleted that note.",
  note_missing: "That note is no longer on the board.",
  link_duplicate: "Those notes are already linked that way.",
  link_self: "A note cannot link to itself.",
  facilitator_only: "Only the facilitator can do that.",
  text_too_long: "That is too long for a note (2,000 characters at most).",
  rate_limited: "Too many changes at once: the last ones were not saved.",
};

const root = document.querySelector("[data-board]");
const kinds = JSON.parse(root.dataset.kinds);
const kindOf = new Map(kinds.map((k) => [k.name, k]));
const live = new Live({ workshopId: root.dataset.workshop, me: root.dataset.me });
const isFacilitator = root.dataset.role === "facilitator";

const canvas = root.querySelector("[data-canvas]");
const world = root.querySelector("[data-world]");
const notesLayer = root.querySelector("[data-notes]");
const linksLayer = root.querySelector("[data-links]");
const kindPicker = root.querySelector("[data-new-kind]");
const status = root.querySelector("[data-status]");

const noteEls = new Map();
const linkEls = new Map();
let camera = { x: 40, y: 40, zoom: 1 };
let selectedLink = null;
let linkFrom = null; // keyboard linking: the note a link starts from
let editing = null; // id of the note whose text is being edited
let renderQueued = false;

// -- drawing ------------------------------------------------------------------------------------------------

function queueRender() {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; render(); });
  }
}

function position(note) {
  const drag = live.drags.get(note.id);
  return drag && performance.now() - drag.at < 3000 ? drag : note;
}

// What each element last showed, so a frame only touches what changed: dragging one note on a board of a
// thousand must not rewrite a thousand notes.
const shown = new WeakMap();
let panelsDirty = true;

function update(el, next) {
  const before = shown.get(el) || {};
  shown.set(el, next);
  return (key) => before[key] !== next[key];
}

function render() {
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
      label: kind.label, source: linkFrom === note.id, editor, editing: editing === note.id,
    });
    if (changed("x") || changed("y")) el.style.transform = `translate(${pos.x}px, ${pos.y}px)`;
    if (changed("fill")) el.style.background = note.colour || kind.colour;
    if (changed("pending")) el.classList.toggle("pending", Boolean(note.pending));
    if (changed("source")) el.classList.toggle("link-source", linkFrom === note.id);
    if (changed("label")) el.querySelector(".note-kind").textContent = kind.label;
    if ((changed("text") || changed("editing")) && editing !== note.id) el.querySelector(".note-text").textContent = note.text;
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
      ax: a.x, ay: a.y, bx: b.x, by: b.y, label: link.label, selected: selectedLink === link.id,
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
    if (changed("selected")) g.classList.toggle("selected", selectedLink === link.id);
    if (changed("pending")) g.classList.toggle("pending", Boolean(link.pending));
  }
  if (panelsDirty) { panelsDirty = false; renderPanels(view); }
}

function arrowEnds(a, b) {
  const ax = a.x + NOTE_W / 2, ay = a.y + NOTE_H / 2, bx = b.x + NOTE_W / 2, by = b.y + NOTE_H / 2;
  const edge = (cx, cy, tx, ty) => {
    const dx = tx - cx, dy = ty - cy;
    if (!dx && !dy) return [cx, cy];
    const s = Math.min(dx ? NOTE_W / 2 / Math.abs(dx) : Infinity, dy ? NOTE_H / 2 / Math.abs(dy) : Infinity);
    return [cx + dx * s, cy + dy * s];
  };
  return [...edge(ax, ay, bx, by), ...edge(bx, by, ax, ay)];
}

function makeNote(id) {
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

function iconButton(className, symbol, title, label) {
  const button = document.createElement("button");
  button.className = className;
  button.type = "button";
  button.textContent = symbol;
  button.title = title;
  button.setAttribute("aria-label", label);
  button.tabIndex = -1;
  return button;
}

function makeLink(id) {
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

function applyCamera() {
  world.style.transform = `translate(${camera.x}px, ${camera.y}px) scale(${camera.zoom})`;
}

// -- side panels --------------------------------------------------------------------------------------------

function renderPanels(view) {
  const people = root.querySelector("[data-people]");
  const rows = [...view.participants.values()]
    .filter((p) => p.id !== "imported")
    .sort((a, b) => Number(live.online.has(b.id)) - Number(live.online.has(a.id)) || a.name.localeCompare(b.name));
  people.replaceChildren(...rows.map((p) => {
    const li = document.createElement("li");
    li.className = live.online.has(p.id) ? "online" : "offline";
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.style.background = p.colour;
    const name = document.createElement("span");
    name.textContent = p.name + (p.id === live.me ? " (you)" : "") + (p.role === "facilitator" ? " · facilitator" : "");
    const state = document.createElement("span");
    state.className = "visually-hidden";
    state.textContent = live.online.has(p.id) ? " online" : " offline";
    li.append(dot, name, state);
    return li;
  }));
  root.querySelector("[data-online-count]").textContent = String(live.online.size);
  const lockButton = root.querySelector("[data-action=lock]");
  if (lockButton) {
    lockButton.textContent = view.workshop.locked ? "Unlock the board" : "Lock the board";
    lockButton.setAttribute("aria-pressed", String(view.workshop.locked));
  }
  const share = root.querySelector("[data-action=share-exports]");
  if (share) share.checked = Boolean(view.workshop.exports_for_participants);
  const linkPanel = root.querySelector("[data-link-panel]");
  const link = selectedLink && view.links.get(selectedLink);
  linkPanel.hidden = !link;
  if (link) {
    const input = linkPanel.querySelector("input");
    if (document.activeElement !== input) input.value = link.label;
    const a = view.notes.get(link.source), b = view.notes.get(link.target);
    linkPanel.querySelector("[data-link-ends]").textContent = `${a ? a.text : "?"} → ${b ? b.text : "?"}`;
  }
}

function renderConnection() {
  const el = root.querySelector("[data-connection]");
  const labels = { live: "Live", connecting: "Connecting…", offline: "Offline — your changes are kept" };
  el.textContent = labels[live.state];
  el.className = `connection ${live.state}`;
  const pending = root.querySelector("[data-pending]");
  pending.textContent = live.pending.length ? `${live.pending.length} change${live.pending.length > 1 ? "s" : ""} waiting to be saved` : "";
}

function say(message) {
  status.textContent = message;
}

function toast(message) {
  const el = root.querySelector("[data-toast]");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

// -- changing the board -------------------------------------------------------------------------------------

function allowed() {
  if (live.locked) { toast(MESSAGES.board_locked); return false; }
  return true;
}

function send(op, fields) {
  if (allowed()) live.send(op, fields);
}

function toBoard(clientX, clientY) {
  const r = canvas.getBoundingClientRect();
  return { x: (clientX - r.left - camera.x) / camera.zoom, y: (clientY - r.top - camera.y) / camera.zoom };
}

function addNoteAt(x, y) {
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

function startEditing(el, { draft } = {}) {
  if (!draft && !allowed()) return;
  const id = el.dataset.id;
  const note = live.view()?.notes.get(id);
  editing = id;
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
    editing = null;
    live.sendTransient("presence.set", { editing: null });
    const text = area.value.trim();
    const kind = kindSelect.value;
    if (draft) {
      el.remove();
      if (save && text) {
        live.send("note.add", { id: draft.id, kind, text, x: draft.x, y: draft.y });
        // Focus the new note once drawn, unless the person has already started another one.
        requestAnimationFrame(() => { if (!editing) noteEls.get(draft.id)?.focus(); });
      }
    } else {
      textEl.textContent = note ? note.text : "";
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

function noteAt(clientX, clientY) {
  const el = document.elementFromPoint(clientX, clientY)?.closest(".note");
  return el && noteEls.get(el.dataset.id) === el ? el.dataset.id : null;
}

function link(source, target) {
  if (!source || !target || source === target) return;
  send("link.add", { id: newId("l"), source, target, label: "" });
  say("Linked.");
}

// -- pointer: drag notes, draw links, pan ---------------------------------------------------------------

canvas.addEventListener("pointerdown", (e) => {
  if (e.button !== 0 || e.target.closest("textarea, select")) return;
  const noteEl = e.target.closest(".note");
  const linkEl = e.target.closest(".link");
  if (linkEl) { selectedLink = linkEl.dataset.id; changedBoard(); return; }
  if (selectedLink) { selectedLink = null; changedBoard(); }
  if (noteEl && e.target.closest(".note-delete")) {
    send("note.delete", { id: noteEl.dataset.id });
    return;
  }
  if (noteEl && e.target.closest(".note-handle")) return startLinkDrag(e, noteEl.dataset.id);
  if (noteEl && noteEls.get(noteEl.dataset.id) === noteEl) return startNoteDrag(e, noteEl);
  startPan(e);
});

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
    if (moved) send("note.move", { id, x: Math.round(x), y: Math.round(y) });
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
  const from = { x: note.x + NOTE_W / 2, y: note.y + NOTE_H / 2 };
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

function startPan(e) {
  const start = { x: e.clientX - camera.x, y: e.clientY - camera.y };
  canvas.setPointerCapture(e.pointerId);
  canvas.classList.add("panning");
  const move = (ev) => { camera.x = ev.clientX - start.x; camera.y = ev.clientY - start.y; applyCamera(); };
  const up = () => {
    canvas.classList.remove("panning");
    canvas.removeEventListener("pointermove", move);
    canvas.removeEventListener("pointerup", up);
  };
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
}

canvas.addEventListener("dblclick", (e) => {
  // The canvas captured the pointer for a possible drag, so the event's target is the canvas: look underneath.
  const under = document.elementFromPoint(e.clientX, e.clientY);
  const noteEl = under?.closest(".note");
  if (noteEl && noteEls.get(noteEl.dataset.id) === noteEl) return startEditing(noteEl);
  if (!noteEl && !under?.closest(".link, textarea, select")) {
    const p = toBoard(e.clientX, e.clientY);
    addNoteAt(Math.round(p.x - NOTE_W / 2), Math.round(p.y - NOTE_H / 2));
  }
});

canvas.addEventListener("wheel", (e) => {
  e.preventDefault();
  const r = canvas.getBoundingClientRect();
  const factor = Math.exp(-e.deltaY * 0.0015);
  zoomAround(e.clientX - r.left, e.clientY - r.top, factor);
}, { passive: false });

function zoomAround(px, py, factor) {
  const zoom = Math.min(2.5, Math.max(0.2, camera.zoom * factor));
  camera.x = px - (px - camera.x) * (zoom / camera.zoom);
  camera.y = py - (py - camera.y) * (zoom / camera.zoom);
  camera.zoom = zoom;
  applyCamera();
}

// -- keyboard -------------------------------------------------------------------------------------------

function freeSpot() {
  // The free place nearest the middle of the screen, so a new note never hides another.
  const r = canvas.getBoundingClientRect();
  const c = toBoard(r.left + r.width / 2, r.top + r.height / 2);
  const notes = [...(live.view()?.notes.values() || [])];
  const free = (x, y) => notes.every((n) => Math.abs(n.x - x) >= NOTE_W + 16 || Math.abs(n.y - y) >= NOTE_H + 16);
  for (let ring = 0; ring < 12; ring++) {
    for (let dx = -ring; dx <= ring; dx++) {
      for (let dy = -ring; dy <= ring; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const x = Math.round(c.x - NOTE_W / 2 + dx * (NOTE_W + 24)), y = Math.round(c.y - NOTE_H / 2 + dy * (NOTE_H + 24));
        if (free(x, y)) return { x, y };
      }
    }
  }
  return { x: Math.round(c.x - NOTE_W / 2), y: Math.round(c.y - NOTE_H / 2) };
}

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, select")) return;
  const noteEl = e.target.closest(".note");
  const id = noteEl?.dataset.id;
  if ((e.key === "n" || e.key === "N") && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    const p = freeSpot();
    return addNoteAt(p.x, p.y);
  }
  if (!id || noteEls.get(id) !== noteEl) {
    if (e.key === "Escape") { linkFrom = null; selectedLink = null; changedBoard(); }
    if ((e.key === "Delete" || e.key === "Backspace") && selectedLink) {
      send("link.delete", { id: selectedLink });
      selectedLink = null;
    }
    return;
  }
  const note = live.view().notes.get(id);
  const step = e.shiftKey ? 50 : 10;
  const arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  if (arrows[e.key]) {
    e.preventDefault();
    send("note.move", { id, x: note.x + arrows[e.key][0], y: note.y + arrows[e.key][1] });
  } else if (e.key === "Enter") {
    e.preventDefault();
    if (linkFrom && linkFrom !== id) { link(linkFrom, id); linkFrom = null; queueRender(); }
    else startEditing(noteEl);
  } else if (e.key === "l" || e.key === "L") {
    e.preventDefault();
    if (linkFrom && linkFrom !== id) { link(linkFrom, id); linkFrom = null; }
    else { linkFrom = id; say("Linking: move to the note it leads to and press Enter or L. Escape cancels."); }
    queueRender();
  } else if (e.key === "Escape") {
    linkFrom = null;
    queueRender();
  } else if (e.key === "Delete" || e.key === "Backspace") {
    e.preventDefault();
    const next = noteEl.nextElementSibling || noteEl.previousElementSibling;
    send("note.delete", { id });
    next?.focus();
  }
});

// -- panels and controls ----------------------------------------------------------------------------------

root.addEventListener("click", async (e) => {
  const button = e.target.closest("[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "add-note") { const p = freeSpot(); addNoteAt(p.x, p.y); }
  if (action === "zoom-in") zoomAround(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.25);
  if (action === "zoom-out") zoomAround(canvas.clientWidth / 2, canvas.clientHeight / 2, 0.8);
  if (action === "fit") fit();
  if (action === "lock") live.send(live.map.workshop.locked ? "workshop.unlock" : "workshop.lock", {});
  if (action === "delete-link" && selectedLink) { send("link.delete", { id: selectedLink }); selectedLink = null; }
  if (action === "copy-link") {
    const input = root.querySelector("[data-join-url]");
    try { await navigator.clipboard.writeText(input.value); toast("Join link copied."); }
    catch { input.select(); document.execCommand("copy"); toast("Join link copied."); }
  }
  if (action === "rotate-link") {
    if (!confirm("Replace the join link? The old link and QR code stop working; people already here stay.")) return;
    const r = await fetch(`/api/workshops/${live.workshopId}/join-code`, { method: "POST" });
    if (r.ok) {
      const body = await r.json();
      root.querySelector("[data-join-url]").value = body.join_url;
      const qr = root.querySelector("[data-qr]");
      qr.src = `${qr.src.split("?")[0]}?v=${Date.now()}`;
      toast("New join link ready; the old one no longer works.");
    }
  }
});

root.addEventListener("change", (e) => {
  if (e.target.matches("[data-action=share-exports]")) live.send("workshop.share_exports", { enabled: e.target.checked });
});

root.addEventListener("submit", (e) => {
  const form = e.target;
  if (form.matches("[data-rename]")) {
    e.preventDefault();
    const title = form.elements.title.value.trim();
    const question = form.elements.question.value.trim();
    if (title) live.send("workshop.rename", { title, question });
  }
  if (form.matches("[data-link-panel]")) {
    e.preventDefault();
    if (selectedLink) send("link.update", { id: selectedLink, label: form.elements.label.value.trim() });
  }
});

function fit() {
  const notes = [...(live.view()?.notes.values() || [])];
  if (!notes.length) return;
  const minX = Math.min(...notes.map((n) => n.x)), minY = Math.min(...notes.map((n) => n.y));
  const maxX = Math.max(...notes.map((n) => n.x)) + NOTE_W, maxY = Math.max(...notes.map((n) => n.y)) + NOTE_H;
  const zoom = Math.min(1.5, Math.max(0.2, Math.min(canvas.clientWidth / (maxX - minX + 80), canvas.clientHeight / (maxY - minY + 80))));
  camera = { zoom, x: 40 - minX * zoom, y: 40 - minY * zoom };
  applyCamera();
}

// -- start --------------------------------------------------------------------------------------------------

function changedBoard() { panelsDirty = true; queueRender(); }
live.addEventListener("change", changedBoard);
live.addEventListener("drag", queueRender);
live.addEventListener("presence", changedBoard);
live.addEventListener("connection", renderConnection);
live.addEventListener("pending", () => { renderConnection(); changedBoard(); });
live.addEventListener("problem", (e) => toast(MESSAGES[e.detail.code] || e.detail.message));
let fitted = false;
live.addEventListener("change", (e) => {
  if (e.detail?.snapshot && !fitted) { fitted = true; requestAnimationFrame(fit); }
});
applyCamera();
renderConnection();
live.connect();
window.pathweaver = live; // for the browser tests and the curious
