// What would show a note's change (rule P47): its indicators — the indicator, its baseline, its target and where
// the data comes from — and the kind of change it is. Opened with Details in the note's tools, or I on a note;
// saved as one `note.indicators`. While someone edits, others' changes to the same note do not overwrite the form.

import { changedBoard, live, root, ui } from "./context.js";
import { say, toast } from "./panels.js";
import { noteEls } from "./render.js";

const form = root.querySelector("[data-note-panel]");
const MAX = 10;
const FIELDS = [["indicator", "Indicator", "e.g. Briefs cited in policy papers"], ["baseline", "Baseline", "e.g. 2 a year"],
  ["target", "Target", "e.g. 10 a year by 2027"], ["source", "Data source", "e.g. Hansard search"]];
let shown = null; // {id, version} the form was filled from
let dirty = false;

function row(values, index) {
  const li = document.createElement("li");
  li.className = "indicator-row";
  for (const [name, label, placeholder] of FIELDS) {
    const id = `indicator-${index}-${name}`;
    const l = Object.assign(document.createElement("label"), { htmlFor: id, textContent: label });
    const input = Object.assign(document.createElement("input"), { id, name, value: values[name] ?? "", placeholder, maxLength: 300 });
    if (name === "indicator") input.required = true;
    li.append(l, input);
  }
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Remove", className: "link-button" });
  remove.dataset.indicatorRemove = String(index);
  li.append(remove);
  return li;
}

function rows() {
  return [...form.querySelectorAll(".indicator-row")].map((li) => Object.fromEntries(FIELDS.map(([name]) => [name, li.querySelector(`[name=${name}]`).value.trim()])));
}

function fill(list) {
  form.querySelector("[data-indicator-rows]").replaceChildren(...list.map(row));
  form.querySelector("[data-action=indicator-add]").disabled = list.length >= MAX;
}

/** Open the panel for a note. */
export function openDetails(id) {
  ui.detailsNote = id;
  shown = null;
  changedBoard();
  requestAnimationFrame(() => form.querySelector("select, input")?.focus());
}

function close() {
  const id = ui.detailsNote;
  ui.detailsNote = null;
  shown = null;
  form.hidden = true;
  noteEls.get(id)?.focus({ preventScroll: true });
}

/** Draw the panel for the note it is open for, if any (called by panels.js as it draws the panels). */
export function renderNoteDetails() {
  const note = ui.detailsNote && live.view()?.notes.get(ui.detailsNote);
  if (!note) { form.hidden = true; if (ui.detailsNote) ui.detailsNote = null; return; }
  form.hidden = false;
  form.querySelector("[data-note-panel-text]").textContent = `${note.kind}: ${note.text.split("\n")[0].slice(0, 120)}`;
  if (shown?.id !== note.id) dirty = false;
  if (!dirty && (shown?.id !== note.id || shown.version !== note.version)) {
    form.querySelector("[data-note-change]").value = note.change ?? "";
    fill(note.indicators ?? []);
  }
  shown = { id: note.id, version: note.version };
}

export function listenForNoteDetails() {
  if (!form) return;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.action === "note-panel-close") close();
    else if (b.dataset.action === "indicator-add") { const list = rows(); list.push({}); fill(list); dirty = true; form.querySelector(".indicator-row:last-child input")?.focus(); }
    else if (b.dataset.indicatorRemove !== undefined) { const list = rows(); list.splice(Number(b.dataset.indicatorRemove), 1); fill(list); dirty = true; }
  });
  form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); close(); } });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const indicators = rows();
    if (indicators.some((r) => !r.indicator)) { toast("Each indicator needs its text; remove the empty ones."); return; }
    live.send("note.indicators", { id: shown.id, indicators, change: form.querySelector("[data-note-change]").value || null });
    dirty = false;
    say("Indicators saved.");
  });
}
