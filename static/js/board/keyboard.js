// Arrows by keyboard, and where single-key shortcuts may act. On a note, A goes to its arrows (those leaving it
// first, then those arriving); on an arrow, the arrow keys go to the note's next or previous arrow, Enter (or F2)
// edits its label in place, Delete removes it (a step that can be undone, offered in a toast), and Escape goes
// back to the note. An arrow clicked with the pointer gets focus too, so the same keys work on it.
// Backspace never deletes anything on the board: it is too easily pressed by someone who thinks they are typing.

import { describeEvidence } from "../evidence_summary.js";
import { changedBoard, labelsLayer, linksLayer, live, queueRender, ui } from "./context.js";
import { allowed, send } from "./editing.js";
import { linkEls } from "./arrows.js";
import { say } from "./panels.js";
import { noteEls } from "./render.js";

const SHORT = 60; // characters of a note's text read out in an arrow's name

let from = null; // the note whose arrows are being gone through

/**
 * Whether a key pressed at `target` is meant for the board: on the canvas (a note, an arrow, the canvas
 * itself) or with nothing focused — never in a field, the sidebar or the console (WCAG 2.1.4).
 */
export function onBoard(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest("input, textarea, select, [contenteditable]")) return false;
  return target === document.body || Boolean(target.closest("[data-canvas]"));
}

function short(text) {
  const chars = Array.from(text || "");
  return chars.length > SHORT ? `${chars.slice(0, SHORT - 1).join("")}…` : chars.join("");
}

/** What a screen reader says for an arrow: its ends, its label and its evidence (rule P46). */
export function describeLink(link, view = live.view()) {
  const a = view?.notes.get(link.source), b = view?.notes.get(link.target);
  const label = link.label ? `labelled “${short(link.label)}”` : "no label";
  const evidence = describeEvidence(link);
  return `Arrow from “${short(a?.text ?? "?")}” to “${short(b?.text ?? "?")}”, ${label}${evidence ? `; ${evidence}` : ""}`;
}

/** The arrows of a note: those leaving it, then those arriving. */
function arrowsOf(noteId) {
  const links = [...(live.view()?.links.values() || [])];
  return [...links.filter((l) => l.source === noteId), ...links.filter((l) => l.target === noteId)];
}

function focusLink(id, { index, count } = {}) {
  const parts = linkEls.get(id);
  const link = live.view()?.links.get(id);
  if (!parts || !link) return false;
  parts.g.dataset.where = count ? ` (${index + 1} of ${count})` : "";
  if (document.activeElement === parts.g) name(parts.g, link);
  else parts.g.focus({ preventScroll: true });
  return true;
}

function name(g, link) {
  const where = g.dataset.where || "";
  delete g.dataset.where;
  g.setAttribute("aria-label", `${describeLink(link)}${where}. Enter edits the label, Delete removes it, Escape goes back to the note.`);
}

function focusNote(id) {
  const el = id && noteEls.get(id);
  if (el) el.focus({ preventScroll: true });
  return Boolean(el);
}

/** Go from a note (or one of its arrows) to its arrow `step` places on, wrapping round. */
function goToArrow(noteId, currentId, step) {
  const arrows = arrowsOf(noteId);
  if (!arrows.length) { say("This note has no arrows."); return; }
  const at = arrows.findIndex((l) => l.id === currentId);
  const index = at < 0 ? 0 : (at + step + arrows.length) % arrows.length;
  from = noteId;
  focusLink(arrows[index].id, { index, count: arrows.length });
}

/** Edit an arrow's label in place: Enter saves, Escape cancels, leaving the field saves too. */
export function editLabel(id) {
  const parts = linkEls.get(id);
  const link = live.view()?.links.get(id);
  if (!parts || !link || !parts.curve || !allowed()) return;
  const input = document.createElement("input");
  input.className = "link-label-input";
  input.maxLength = 200;
  input.value = link.label;
  input.setAttribute("aria-label", `Label of the ${describeLink(link).replace(/^Arrow/, "arrow")} (Enter to save, Escape to cancel)`);
  const [p0, p1, p2] = parts.curve;
  const at = parts.box && link.label
    ? { x: parts.box.x + parts.box.w / 2, y: parts.box.y + parts.box.h / 2 }
    : { x: (p0.x + 2 * p1.x + p2.x) / 4, y: (p0.y + 2 * p1.y + p2.y) / 4 };
  input.style.transform = `translate(${Math.round(at.x)}px, ${Math.round(at.y)}px) translate(-50%, -50%)`;
  labelsLayer.append(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    const label = input.value.trim();
    input.remove();
    const now = live.view()?.links.get(id);
    if (save && now && label !== now.label) {
      send("link.update", { id, label });
      say(label ? `Label saved: ${short(label)}` : "Label removed.");
    }
    if (linkEls.has(id)) focusLink(id);
    queueRender();
  };
  input.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (e.key === "Enter") { e.preventDefault(); finish(true); }
    if (e.key === "Escape") { e.preventDefault(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
}

function deleteLink(id) {
  if (!live.view()?.links.has(id)) return;
  const note = from && live.view().notes.has(from) ? from : live.view().links.get(id).source;
  const rest = arrowsOf(note).filter((l) => l.id !== id);
  send("link.delete", { id });
  if (ui.selectedLink === id) ui.selectedLink = null;
  changedBoard();
  // Focus stays near: on the note's next arrow, or back on the note.
  if (rest.length) requestAnimationFrame(() => goToArrow(note, null, 0));
  else focusNote(note);
}

/** Keys on notes and arrows, focus on clicked arrows, and arrows' names for screen readers. */
export function listenForArrowKeys() {
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !onBoard(e.target)) return;
    const noteEl = e.target.closest(".note");
    if (noteEl && noteEls.get(noteEl.dataset.id) === noteEl && (e.key === "a" || e.key === "A")) {
      e.preventDefault();
      goToArrow(noteEl.dataset.id, null, 0);
      return;
    }
    const linkEl = e.target.closest(".link");
    const id = linkEl?.dataset.id || (e.target.closest("[data-canvas]") && ui.selectedLink);
    if (!id || !live.view()?.links.has(id)) return;
    const link = live.view().links.get(id);
    const note = from && (link.source === from || link.target === from) ? from : link.source;
    const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (linkEl && steps[e.key]) {
      e.preventDefault();
      goToArrow(note, id, steps[e.key]);
    } else if (linkEl && (e.key === "Enter" || e.key === "F2")) {
      e.preventDefault();
      editLabel(id);
    } else if (e.key === "Delete") {
      e.preventDefault();
      if (allowed()) deleteLink(id);
    } else if (linkEl && e.key === "Escape") {
      e.preventDefault();
      ui.selectedLink = null;
      changedBoard();
      focusNote(note);
    }
  });
  // An arrow with focus is the selected one (its panel shows); one picked with the pointer gets its name.
  linksLayer.addEventListener("focusin", (e) => {
    const g = e.target.closest?.(".link");
    const link = g && live.view()?.links.get(g.dataset.id);
    if (!link) return;
    name(g, link);
    linkEls.get(link.id)?.label.classList.add("focused"); // a short arrow's focus shows on its label
    if (from !== link.source && from !== link.target) from = link.source;
    if (ui.selectedLink !== link.id) { ui.selectedLink = link.id; changedBoard(); }
  });
  linksLayer.addEventListener("focusout", (e) => {
    const g = e.target.closest?.(".link");
    if (g) linkEls.get(g.dataset.id)?.label.classList.remove("focused");
  });
  // A label is part of its arrow: clicking it focuses the arrow.
  labelsLayer.addEventListener("click", (e) => {
    const label = e.target.closest(".link-label");
    if (label) linkEls.get(label.dataset.id)?.g.focus({ preventScroll: true });
  });
}
