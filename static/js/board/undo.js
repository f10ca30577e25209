// Undo and redo on the board: the buttons, Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z and Ctrl+Y, the toast that offers to
// undo a deletion, and the wiring between the protocol client and the history (../history.js), which decides
// what each undo sends.

import { History, describe } from "../history.js";
import { live, root } from "./context.js";
import { newId } from "../live.js";
import { MESSAGES, say, toast } from "./panels.js";

export const history = new History({
  me: live.me,
  send: (op, fields) => live.send(op, fields).cid,
  newId,
  notify: (message) => toast(message),
  store: localStorage,
  key: `pathweaver:history:${live.workshopId}:${live.me}`,
});
// Anything answered while the page was away is no longer waited for.
history.settle(live.pending.map((op) => op.cid));

const controls = root.querySelector("[data-history]");
const undoButton = root.querySelector("[data-action=undo]");
const redoButton = root.querySelector("[data-action=redo]");

let deletedAt = -Infinity;

/** Make a change to the board as one step this person can undo. */
export function perform(op, fields) {
  const step = history.perform(op, fields, live.view());
  renderButtons();
  if (step && step.flight?.dir === "do" && ["delete", "unlink", "merge", "uncluster"].includes(step.type)) {
    deletedAt = performance.now();
    offerUndo(step);
  }
  return step;
}

/** What the toast says after a change that took something off the board. */
function taken(step) {
  if (step.type === "merge") {
    const n = step.notes.length;
    return `Merged ${n} note${n > 1 ? "s" : ""} into “${step.title}”.`;
  }
  if (step.type === "uncluster") return `Cluster “${step.title}” removed; its notes stay.`;
  const links = step.type === "delete" ? step.links.length : 0;
  const also = links ? ` and ${links === 1 ? "1 link" : `${links} links`}` : "";
  const what = step.type === "delete" ? `“${step.title}”` : `the link ${step.title}`;
  return `Deleted ${what}${also}.`;
}

function offerUndo(step) {
  toast(taken(step), {
    label: "Undo",
    shortcut: "Control+Z",
    run: () => {
      if (history.nextUndo === step) act("undo");
      else toast("Other changes came after that one: press Undo until it is undone.");
    },
  });
}

function act(dir) {
  if (live.locked) { toast(MESSAGES.board_locked); return; }
  const step = dir === "undo" ? history.nextUndo : history.nextRedo;
  if (!step) { say(dir === "undo" ? "Nothing to undo." : "Nothing to redo."); return; }
  const done = dir === "undo" ? history.undo() : history.redo();
  if (done) say(`${dir === "undo" ? "Undone" : "Redone"}: ${describe(step)}.`);
  renderButtons();
}

function renderButtons() {
  if (!controls) return;
  const next = history.nextUndo, again = history.nextRedo;
  undoButton.disabled = !next;
  redoButton.disabled = !again;
  undoButton.title = next ? `Undo ${describe(next)} (Ctrl+Z)` : "Nothing to undo";
  redoButton.title = again ? `Redo ${describe(again)} (Shift+Ctrl+Z)` : "Nothing to redo";
  undoButton.setAttribute("aria-label", next ? `Undo ${describe(next)}` : "Undo");
  redoButton.setAttribute("aria-label", again ? `Redo ${describe(again)}` : "Redo");
}

/** Keys, buttons, and what the server says about this history's changes. */
export function listenForUndo() {
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    const redo = (key === "z" && e.shiftKey) || (key === "y" && e.ctrlKey && !e.shiftKey);
    if (key !== "z" && !redo) return;
    // In a text field, Ctrl+Z is the field's own undo.
    if (e.target instanceof Element && e.target.closest("input, textarea, select, [contenteditable]")) return;
    e.preventDefault();
    act(redo ? "redo" : "undo");
  });
  // The tap that deleted a note must not also be half of a double-tap that adds a new one where it was.
  root.addEventListener("dblclick", (e) => { if (performance.now() - deletedAt < 700) e.stopPropagation(); }, true);
  if (controls) {
    // The canvas pans on pointerdown and adds a note on double-click: neither belongs to these buttons.
    for (const type of ["pointerdown", "dblclick"]) controls.addEventListener(type, (e) => e.stopPropagation());
    undoButton.addEventListener("click", () => act("undo"));
    redoButton.addEventListener("click", () => act("redo"));
  }
  live.addEventListener("applying", (e) => history.observe(e.detail.event, e.detail.map));
  live.addEventListener("acked", (e) => { history.acked(e.detail); renderButtons(); });
  live.addEventListener("problem", (e) => {
    const m = e.detail;
    if (m.cid) history.refused(m.cid, m.code, live.view(), live.map?.participants);
    renderButtons();
  });
  renderButtons();
}
