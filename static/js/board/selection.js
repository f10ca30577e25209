// Choosing several notes (Shift+click, or Shift+Space on a focused note, for the facilitator) and tidying them:
// align their left or top edges, spread them evenly, or merge duplicates into the first chosen (rule P43). Each tidy-up is one `notes.arrange` (rule P35), so one Undo puts them back. Also the
// "Snap to grid" switch that moving a note follows (board/input.js asks `snapped`).

import { canvas, isFacilitator, live, root } from "./context.js";
import { GRID, align, distribute, snap } from "./arrangements.js";
import { noteBox } from "./sizes.js";
import { say } from "./panels.js";
import { perform } from "./undo.js";
import { arrange } from "./tidy.js";
import { frameAround } from "./clusters.js";

const chosen = new Set();
const snapSwitch = root.querySelector("[data-snap]");
const tools = root.querySelector("[data-tidy-tools]");

/** Where a note dropped at (x, y) goes: on the grid when "Snap to grid" is on. */
export function snapped(x, y) {
  return snapSwitch?.checked ? snap(x, y, GRID) : { x: Math.round(x), y: Math.round(y) };
}

function noteUnder(e) {
  // The canvas captures the pointer while a drag may start, so the click lands on it: look underneath.
  const el = document.elementFromPoint(e.clientX, e.clientY)?.closest(".note[data-id]");
  return el && live.view()?.notes.has(el.dataset.id) ? el : null;
}

function choose(el, on) {
  if (on) chosen.add(el.dataset.id); else chosen.delete(el.dataset.id);
  el.classList.toggle("chosen", on);
}

function toggle(el) {
  const on = !chosen.has(el.dataset.id);
  choose(el, on);
  renderTools();
  const text = live.view()?.notes.get(el.dataset.id)?.text.split("\n")[0].slice(0, 40) || "";
  say(`${on ? "Selected" : "Unselected"} “${text}”: ${chosen.size} selected.`);
}

function clear() {
  for (const el of root.querySelectorAll(".note.chosen")) choose(el, false);
  chosen.clear();
}

function renderTools() {
  if (!tools) return;
  const notes = live.view()?.notes || new Map();
  for (const id of [...chosen]) if (!notes.has(id)) chosen.delete(id);
  const n = chosen.size;
  tools.querySelector("[data-chosen-count]").textContent =
    n ? `${n} selected` : "Shift+click notes (or Shift+Space) to select them";
  for (const b of tools.querySelectorAll("[data-tidy]")) {
    const least = { cluster: 1, left: 2, top: 2, merge: 2 }[b.dataset.tidy] ?? 3;
    b.disabled = n < least;
  }
}

/** Merge the selected notes into the first one selected (rule P43): one change, undone by Undo. */
function merge() {
  const notes = live.view()?.notes || new Map();
  const [into, ...others] = [...chosen].filter((id) => notes.has(id));
  if (!into || !others.length) return;
  perform("notes.merge", { into, notes: others }); // a step of this person's history, offered in a toast
  clear();
  renderTools();
}

function tidy(how) {
  if (how === "merge") return merge();
  if (how === "cluster") { frameAround([...chosen]); clear(); renderTools(); return; }
  const notes = live.view()?.notes || new Map();
  const boxes = [...chosen].filter((id) => notes.has(id)).map((id) => ({ id, ...noteBox(id, notes.get(id)) }));
  const done = how === "left" || how === "top" ? align(boxes, how) : distribute(boxes, how);
  const names = { left: "Aligned left edges", top: "Aligned top edges", across: "Spread across", down: "Spread down" };
  if (arrange(done)) say(`${names[how]} of ${boxes.length} notes. Undo puts them back.`);
  else say("They are already like that.");
}

/** Shift+click to choose notes, the tidy buttons, the snap switch. */
export function listenForSelection() {
  if (snapSwitch) {
    snapSwitch.checked = localStorage.getItem("pathweaver:snap") === "1";
    snapSwitch.addEventListener("change", () => localStorage.setItem("pathweaver:snap", snapSwitch.checked ? "1" : "0"));
  }
  if (!isFacilitator || !tools) return;
  canvas.addEventListener("click", (e) => {
    const el = noteUnder(e);
    if (e.shiftKey && el) { toggle(el); return; }
    if (!el && chosen.size && !e.target.closest("button, input, select, .link-label")) { clear(); renderTools(); }
  });
  document.addEventListener("keydown", (e) => { // Shift+Space on a note chooses it too, without a mouse
    const el = e.target instanceof Element && e.target.matches(".note[data-id]") ? e.target : null;
    if (el && e.key === " " && e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); toggle(el); }
  });
  tools.addEventListener("click", (e) => {
    const button = e.target.closest("[data-tidy]");
    if (button && !button.disabled) tidy(button.dataset.tidy);
  });
  live.addEventListener("change", renderTools);
  renderTools();
}
