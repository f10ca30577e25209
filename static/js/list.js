// The list view, live: every change a person makes here goes through the same protocol client as the board
// (live.js) — shown at once, kept in localStorage while it waits, resent with the same cid after a reconnect
// (rule P7) — and the list is drawn from the live map with those waiting changes on top, so an edit made
// while the wifi is down is neither lost nor hidden. Without scripts the same forms post to the server.

import { Live } from "./live.js";
import { operationFor } from "./list_forms.js";
import { ListView } from "./list_render.js";

const MESSAGES = {
  board_locked: "The facilitator has locked the board.",
  note_deleted: "Someone deleted that note.",
  note_missing: "That note is no longer on the board.",
  link_deleted: "Someone deleted that link.",
  link_missing: "That link is no longer on the board.",
  link_duplicate: "Those notes are already linked that way.",
  link_self: "A note cannot link to itself.",
  text_too_long: "That is too long (2,000 characters for a note, 200 for a label).",
  rate_limited: "Too many changes at once: the last ones were not saved.",
};
const CONNECTION = {
  live: "Live", connecting: "Connecting…", offline: "Offline — your changes are kept", removed: "Removed from this workshop",
};

const root = document.querySelector("[data-list]");
const workshopId = root.dataset.workshop;
const isFacilitator = root.dataset.role === "facilitator";
const live = new Live({ workshopId, me: root.dataset.me });
const seed = JSON.parse(root.dataset.map);
const list = new ListView(root.querySelector("[data-notes]"), {
  action: `/w/${workshopId}/list/op`,
  kinds: seed.workshop.kinds,
});
const status = root.querySelector("[data-status]");
const problem = root.querySelector("[data-problem]");

function locked(view) {
  return Boolean(view.workshop.locked) && !isFacilitator;
}

// -- drawing ------------------------------------------------------------------------------------------------

let queued = false;
function queueRender() {
  if (!queued) {
    queued = true;
    requestAnimationFrame(() => { queued = false; render(); });
  }
}

// Others' changes must not take away what a person is doing: the list is changed in place (list_render.js),
// and if the element they are in was moved anyway it gets focus and caret back; if it went (its note or link
// was deleted), focus goes to the nearest row that is still there, never to the top of the page.
function render() {
  const view = live.view();
  if (!view) return;
  const active = root.contains(document.activeElement) ? document.activeElement : null;
  const caret = active && typeof active.selectionStart === "number"
    ? [active.selectionStart, active.selectionEnd, active.selectionDirection] : null;
  const row = active?.closest(".note-row");
  const neighbours = row ? [row, row.nextElementSibling, row.previousElementSibling] : [];

  list.render(view, locked(view));
  renderPage(view);

  if (!active || document.activeElement === active) return;
  if (active.isConnected) {
    active.focus({ preventScroll: true });
    if (caret) active.setSelectionRange(...caret);
    return;
  }
  const still = neighbours.find((el) => el?.isConnected);
  const next = still?.querySelector("summary") || root.querySelector("#add-heading:not([hidden] *)");
  if (next) next.focus();
  if (!still || still !== row) say("That note is no longer on the list.");
}

function renderPage(view) {
  const w = view.workshop;
  for (const [selector, text] of [["[data-title]", w.title], ["[data-question]", w.question]]) {
    const el = root.querySelector(selector);
    if (el.textContent !== text) el.textContent = text;
  }
  document.title = `${w.title} (list) — Pathweaver`;
  root.querySelector("[data-locked-banner]").hidden = !w.locked;
  root.querySelector("[data-add-form]").hidden = locked(view);
  root.querySelector("[data-empty]").hidden = view.notes.size > 0;
  renderPhase(view.plan);
}

// The phase the room is in (rule P36) and, for participants, only the kinds it takes (P37).
function renderPhase(plan) {
  if (!plan) return;
  const phase = plan.phases[plan.current];
  const bar = root.querySelector("[data-phase-bar]");
  bar.hidden = !plan.changed_at; // a workshop that never had a plan set: nothing to show
  bar.querySelector("[data-phase-step]").textContent = `Phase ${plan.current + 1} of ${plan.phases.length}`;
  bar.querySelector("[data-phase-name]").textContent = phase.name;
  bar.querySelector("[data-phase-prompt]").textContent = phase.prompt;
  if (isFacilitator) return;
  const picker = root.querySelector("#add-kind");
  for (const option of picker.options) option.disabled = phase.kinds !== null && !phase.kinds.includes(option.value);
  if (picker.selectedOptions[0]?.disabled) picker.value = [...picker.options].find((o) => !o.disabled)?.value ?? "";
}

function renderConnection() {
  const el = root.querySelector("[data-connection]");
  el.textContent = CONNECTION[live.state];
  el.className = `connection ${live.state}`;
  const n = live.pending.length;
  root.querySelector("[data-pending]").textContent = n ? `${n} change${n > 1 ? "s" : ""} waiting to be saved` : "";
}

function say(message) {
  status.textContent = message;
}

function showProblem(message) {
  problem.textContent = message;
  problem.hidden = !message;
}

// -- changing the map ---------------------------------------------------------------------------------------

// After a person saves a form, what they sent becomes what the form holds by default, and the form is no
// longer "changed by them": later edits by others show in it again (see setDefault in list_render.js).
function adopt(form) {
  for (const field of form.elements) {
    if (field.type === "hidden" || field.tagName === "BUTTON" || field.tagName === "FIELDSET") continue;
    if (field.tagName === "SELECT") for (const o of field.options) o.defaultSelected = o.selected;
    else field.defaultValue = field.value;
  }
  form.reset();
}

root.addEventListener("submit", (e) => {
  const form = e.target;
  const view = live.view();
  if (!view) return; // nothing to draw from yet: let the form post as it would without scripts
  e.preventDefault();
  const data = Object.fromEntries(new FormData(form, e.submitter));
  if (locked(view)) { showProblem(MESSAGES.board_locked); return; }
  const wanted = operationFor(data, view);
  if (wanted?.refused) { showProblem(wanted.refused); return; }
  showProblem("");
  const details = form.closest(".note-row details");
  if (wanted) live.send(wanted.op, wanted.fields); // (none when nothing was changed)
  render(); // now, so that the form below adopts what the list already shows
  if (data.action === "add") form.elements.text.value = "";
  if (data.action === "link") form.elements.label.value = "";
  if (form.isConnected) adopt(form);
  // A row closes once its person has done what they opened it for (others' changes never close it), and
  // their focus stays on it, on its summary.
  if (details?.isConnected) {
    details.open = false;
    details.querySelector("summary").focus();
  }
  if (wanted) say(wanted.said);
});

// -- start --------------------------------------------------------------------------------------------------

live.addEventListener("change", queueRender);
live.addEventListener("pending", () => { renderConnection(); queueRender(); });
live.addEventListener("connection", renderConnection);
live.addEventListener("problem", (e) => showProblem(MESSAGES[e.detail.code] || e.detail.message));
root.addEventListener("list:tools", render); // a row opened for the first time: fill in its forms
root.addEventListener("focusout", queueRender); // a field left behind catches up with the map
// The map the page was rendered from, with this person's waiting changes on top, until the socket's own
// snapshot replaces it: the list is whole at once, even if the connection never opens.
live.receive({ type: "snapshot", board: seed });
render();
renderConnection();
live.connect();
window.pathweaver = live; // for the browser tests and the curious
