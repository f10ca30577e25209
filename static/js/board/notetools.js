// A note's tools where a finger (or a zoomed-out mouse) can reach them: Edit, Link and Delete in a bar beside
// the selected note, drawn in screen space so they keep their size at any zoom (WCAG 2.5.8: 24×24 CSS px at
// least). Link then takes a tap (or click) on the note it leads to. The controls inside a note keep their
// size too: the board's zoom is given to the stylesheet as --unzoom (how much to scale up what is drawn in
// the zoomed world: the note being edited, its controls), and "far" when zoomed out (in-note controls hide).

import { canvas, live, queueRender, root, ui } from "./context.js";
import { allowed, link, noteAt, send, startEditing } from "./editing.js";
import { say, toast } from "./panels.js";
import { openDetails } from "./note_details.js";
import { noteEls } from "./render.js";
import { applyCamera, camera, onCameraChange } from "./viewport.js";

const GAP = 8; // screen px between a note and its tools
const MARGIN = 12, CONTROLS = 60; // screen px kept clear around a note brought into view; the buttons along the bottom
export const coarse = matchMedia("(pointer: coarse)");

const bar = document.createElement("div");
bar.className = "note-tools";
bar.setAttribute("role", "toolbar");
bar.setAttribute("aria-label", "Note tools");
bar.hidden = true;
const buttons = [
  ["edit", "Edit", "Edit this note (Enter)"],
  ["link", "Link", "Link from this note: then tap the note it leads to (L)"],
  ["details", "Indicators", "Its indicators and the kind of change it is (I)"],
  ["delete", "Delete", "Delete this note (Delete)"],
].map(([tool, label, title]) => {
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.noteTool = tool;
  button.textContent = label;
  button.title = title;
  button.tabIndex = -1; // the keyboard has Enter, L and Delete on the note itself
  if (tool === "delete") button.className = "danger";
  return button;
});
bar.append(...buttons);

let current = null; // the note element the tools are for

/** The tools bar, the link tool's second tap, and the zoom given to the stylesheet. */
export function listenForNoteTools() {
  canvas.append(bar);
  // Pressing a tool is not the start of a pan or a drag, and a mouse press keeps the focus on the note.
  bar.addEventListener("pointerdown", (e) => e.stopPropagation());
  bar.addEventListener("mousedown", (e) => e.preventDefault());
  bar.addEventListener("dblclick", (e) => e.stopPropagation());
  bar.addEventListener("click", (e) => {
    const tool = e.target.closest("[data-note-tool]")?.dataset.noteTool;
    if (tool && current) use(tool, current);
  });
  root.addEventListener("focusin", (e) => {
    if (e.target.matches?.(".note-input, .note-kind-select")) unzoomEditor(); // an editor opened: its size
    // On a phone, a note selected or opened for editing comes wholly into view (with room for its tools).
    const el = e.target.closest?.(".note");
    if (el && coarse.matches && (el === e.target || e.target.matches(".note-input"))) bringIntoView(el, el === e.target ? 64 : 0);
    place();
  });
  root.addEventListener("focusout", (e) => { if (!e.relatedTarget || !bar.contains(e.relatedTarget)) requestAnimationFrame(place); });
  // A tap or click on a note while linking finishes the link; on the board, it cancels it.
  canvas.addEventListener("click", (e) => {
    if (!ui.linkFrom || e.target.closest("button, .note-tools, textarea, select")) return;
    const target = noteAt(e.clientX, e.clientY);
    const source = ui.linkFrom;
    ui.linkFrom = null;
    if (target && target !== source) {
      link(source, target);
      noteEls.get(target)?.focus({ preventScroll: true });
      toast("Linked. Undo takes it back.");
    } else toast("Linking cancelled.");
    queueRender();
    place();
  }, true);
  onCameraChange(() => {
    // Only when they change, and --unzoom only while a note is edited (only its editor uses it): either
    // restyles everything on the board, a thousand notes and more, at every step of a pinch.
    if (ui.editing) unzoomEditor();
    if (canvas.classList.contains("far") !== camera.zoom < 1) canvas.classList.toggle("far", camera.zoom < 1);
    if (!bar.hidden || document.activeElement?.closest?.(".note")) place();
  });
  coarse.addEventListener("change", place);
  for (const type of ["change", "drag"]) live.addEventListener(type, () => requestAnimationFrame(place));
}

function use(tool, el) {
  const id = el.dataset.id;
  if (tool === "edit") startEditing(el);
  if (tool === "details") openDetails(id);
  if (tool === "link" && allowed()) {
    ui.linkFrom = id;
    el.focus({ preventScroll: true });
    toast("Now tap the note it leads to (tap the board to cancel).");
    say("Linking: tap or click the note it leads to.");
    queueRender();
  }
  if (tool === "delete") {
    const next = el.nextElementSibling || el.previousElementSibling;
    send("note.delete", { id });
    next?.focus({ preventScroll: true });
  }
  place();
}

/** The zoom given to the stylesheet, for the note being edited to keep its size on screen. */
function unzoomEditor() {
  const unzoom = String(Math.max(1, 1 / camera.zoom));
  if (canvas.style.getPropertyValue("--unzoom") !== unzoom) canvas.style.setProperty("--unzoom", unzoom);
}

/** Show the tools beside the focused note (on a touch screen, or zoomed out), or hide them. */
function place() {
  const focused = document.activeElement?.closest?.(".note");
  const el = focused && noteEls.get(focused.dataset.id) === focused ? focused : null;
  const wanted = el && !live.locked && !ui.linkFrom && ui.editing !== el.dataset.id && !el.classList.contains("dragging")
    && (coarse.matches || camera.zoom < 1);
  if (!wanted) {
    if (!bar.contains(document.activeElement)) { bar.hidden = true; current = null; }
    return;
  }
  const fresh = current !== el || bar.hidden;
  current = el;
  bar.hidden = false;
  if (fresh) { bar.classList.remove("armed"); void bar.offsetWidth; bar.classList.add("armed"); }
  const c = canvas.getBoundingClientRect(), n = el.getBoundingClientRect();
  const w = bar.offsetWidth, h = bar.offsetHeight;
  let top = n.top - c.top - h - GAP;
  if (top < GAP) top = n.bottom - c.top + GAP; // no room above: below the note
  if (top + h > c.height - GAP) top = Math.max(GAP, Math.min(c.height - h - GAP, n.top - c.top + GAP));
  const left = Math.max(GAP, Math.min(c.width - w - GAP, n.left - c.left + n.width / 2 - w / 2));
  bar.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
}

/** Pan (never zoom) the least that shows the whole note, `above` px clear over it, if the screen can hold it. */
function bringIntoView(el, above) {
  const c = canvas.getBoundingClientRect(), n = el.getBoundingClientRect();
  const left = c.left + MARGIN, right = c.right - MARGIN, top = c.top + MARGIN + above, bottom = c.bottom - CONTROLS;
  const dx = n.left < left ? left - n.left : n.right > right ? Math.max(right - n.right, left - n.left) : 0;
  const dy = n.top < top ? top - n.top : n.bottom > bottom ? Math.max(bottom - n.bottom, top - n.top) : 0;
  if (!dx && !dy) return;
  camera.x += dx;
  camera.y += dy;
  applyCamera();
}
