// The list view, live: every change a person makes here goes through the same protocol client as the board
// (live.js) — shown at once, kept in localStorage while it waits, resent with the same cid after a reconnect
// (rule P7) — and the list is drawn from the live map with those waiting changes on top, so an edit made
// while the wifi is down is neither lost nor hidden. Without scripts the same forms post to the server.

import { Live } from "./live.js";
import { groupNotes } from "./list_clusters.js";
import { renderGroupForm } from "./list_evidence_forms.js";
import { operationFor } from "./list_forms.js";
import { ListView } from "./list_render.js";
import { ListPathwayVotes } from "./list_pathway_votes.js";
import { ListSelection } from "./list_selection.js";
import { renderStories } from "./list_stories.js";
import { listenForStrength } from "./list_strength.js";
import { ListVotes } from "./list_votes.js";

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
  phase_forbids: (m) => `Not in this phase: ${m.message}.`,
  facilitator_only: "Only the facilitator can do that.",
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
const notice = root.querySelector("[data-notice]");
const selection = new ListSelection(root);
const votes = new ListVotes(root, { kinds: seed.workshop.kinds, isFacilitator, send: (op, f) => live.send(op, f), say });
const pathwayVotes = new ListPathwayVotes(root);
const proxies = root.querySelector("[data-proxies]");
let actingFor = null; // the person without a device the facilitator adds notes and dots for (rule P42), or null

function locked(view) {
  return Boolean(view.workshop.locked) && !isFacilitator;
}

/** What the current phase lets this person do (rule P37; the facilitator is never held back, except when acting
 * for someone, whose notes the phase holds to its kinds): the server refuses the rest anyway. */
function mayFor(view) {
  const plan = view.plan;
  const phase = plan?.phases[plan.current];
  return (what, subject) => { // subject: the note to edit, or the kind to add
    if (!phase || (isFacilitator && !(what === "kind" && actingFor))) return true;
    if (what === "edit") return phase.edit_others || subject.author === live.me;
    if (what === "link") return phase.link;
    if (what === "cluster") return phase.move;
    if (what === "kind") return phase.kinds === null || phase.kinds.includes(subject);
    return true;
  };
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

  const may = mayFor(view);
  const groups = groupNotes(view, seed.workshop.kinds, votes.sorter(view, actingFor, live.me));
  list.render(view, groups, { locked: locked(view), may, dots: votes.dotsFor(view, actingFor, live.me), who: actingFor || live.me });
  renderGroupForm(root, view, live.me, locked(view));
  votes.render(view, actingFor, live.me);
  pathwayVotes.render(view, actingFor || live.me, votes.whoseLabel(view, actingFor, live.me), locked(view));
  selection.render(view);
  root.querySelector("[data-selection] .row:has([value=cluster])")?.toggleAttribute("hidden", !may("cluster"));
  renderProxies(view);
  renderPage(view, may);
  renderStories(root, view);

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

function renderPage(view, may) {
  const w = view.workshop;
  for (const [selector, text] of [["[data-title]", w.title], ["[data-question]", w.question]]) {
    const el = root.querySelector(selector);
    if (el.textContent !== text) el.textContent = text;
  }
  document.title = `${w.title} (list) — Pathweaver`;
  root.querySelector("[data-locked-banner]").hidden = !w.locked;
  root.querySelector("[data-empty]").hidden = view.notes.size > 0;
  const takes = renderPhase(view.plan, may);
  root.querySelector("[data-add-form]").hidden = locked(view) || !takes;
}

// The phase the room is in (rule P36) and only the kinds it takes (P37): false when it takes none.
function renderPhase(plan, may) {
  if (!plan) return true;
  const phase = plan.phases[plan.current];
  const bar = root.querySelector("[data-phase-bar]");
  bar.hidden = !plan.changed_at; // a workshop that never had a plan set: nothing to show
  bar.querySelector("[data-phase-step]").textContent = `Phase ${plan.current + 1} of ${plan.phases.length}`;
  bar.querySelector("[data-phase-name]").textContent = phase.name;
  bar.querySelector("[data-phase-prompt]").textContent = phase.prompt;
  const picker = root.querySelector("#add-kind");
  for (const option of picker.options) option.disabled = !may("kind", option.value);
  if (picker.selectedOptions[0]?.disabled) picker.value = [...picker.options].find((o) => !o.disabled)?.value ?? "";
  return [...picker.options].some((o) => !o.disabled);
}

// The facilitator's picker of whose notes and dots this page makes (rule P42), offered once someone without a
// device is on the board.
function renderProxies(view) {
  if (!proxies) return;
  const people = [...view.participants.values()].filter((p) => p.role === "proxy");
  proxies.querySelector("[data-acting-for-row]").hidden = !people.length;
  const picker = proxies.querySelector("[data-acting-for]");
  const want = JSON.stringify(people.map((p) => [p.id, p.name]));
  if (picker.dataset.shown !== want && picker !== document.activeElement) {
    picker.dataset.shown = want;
    picker.replaceChildren(new Option("me", ""), ...people.map((p) => new Option(p.name, p.id)));
    picker.value = actingFor ?? "";
  }
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

// What was just done, with the change that takes it back (Undo), as the board's toast offers it. The keyboard
// goes to Undo when what it was on went away (a merge, a cluster removed), so it is never left nowhere.
function showNotice(message, undo, focus) {
  notice.querySelector("[data-notice-text]").textContent = message;
  const button = notice.querySelector("[data-notice-undo]");
  button.hidden = !undo;
  if (undo) button.textContent = undo.label;
  button.onclick = undo ? () => {
    live.send(undo.op, undo.fields);
    showNotice(undo.said, null, false);
    say(undo.said);
  } : null;
  notice.hidden = false;
  if (focus) (undo ? button : notice).focus();
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
  const fields = new FormData(form, e.submitter);
  const data = { ...Object.fromEntries(fields), chosen: fields.getAll("chosen"), support: fields.getAll("support") };
  if (locked(view)) { showProblem(MESSAGES.board_locked); return; }
  if (data.action === "merge" && !data.chosen.every((id) => !view.notes.has(id) || mayFor(view)("edit", view.notes.get(id)))) {
    showProblem("Not in this phase: only your own notes can be merged.");
    return;
  }
  const wanted = operationFor(data, view, actingFor);
  if (wanted?.refused) { showProblem(wanted.refused); return; }
  showProblem("");
  const details = form.closest("details");
  if (wanted) live.send(wanted.op, wanted.fields); // (none when nothing was changed)
  render(); // now, so that the form below adopts what the list already shows
  if (data.action === "add") form.elements.text.value = "";
  if (data.action === "link" || data.action === "cluster") form.elements.label.value = "";
  if (form.isConnected) adopt(form);
  if (form === selection.form) selection.clear();
  // The selection bar hides once nothing is ticked, and a removed cluster's forms go with it: the keyboard goes
  // to the notice (and its Undo) instead.
  const away = form === selection.form || data.action === "cluster-delete";
  if (wanted && (wanted.undo || away)) showNotice(wanted.said, wanted.undo, away);
  if (away) { if (wanted) say(wanted.said); return; }
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
listenForStrength(root, live, isFacilitator);
live.addEventListener("pending", () => { renderConnection(); queueRender(); });
live.addEventListener("connection", renderConnection);
live.addEventListener("problem", (e) => {
  const known = MESSAGES[e.detail.code];
  showProblem(typeof known === "function" ? known(e.detail) : known || e.detail.message);
});
root.addEventListener("list:tools", render); // a row opened for the first time: fill in its forms
root.addEventListener("change", (e) => {
  if (e.target.matches("input[name=chosen]")) selection.render(live.view());
  if (e.target.matches("[data-order]")) { votes.setOrder(e.target.value); render(); }
});
root.addEventListener("click", (e) => {
  const button = e.target.closest(".note-row-dots button[data-vote]"); // a note's, a link's or a pathway's dots
  const view = live.view();
  if (button && view && !locked(view)) votes.cast(view, button.dataset.item, button.dataset.vote, actingFor, live.me);
});
proxies?.querySelector("[data-acting-for]").addEventListener("change", (e) => {
  actingFor = e.target.value || null;
  const name = actingFor ? live.view()?.participants.get(actingFor)?.name : null;
  say(name ? `Notes and dots you add now are ${name}’s.` : "Notes and dots you add now are yours.");
  render();
});
proxies?.querySelector("[data-proxy-add]").addEventListener("submit", (e) => {
  e.preventDefault();
  e.stopPropagation(); // a proxy is not a list form: the list's own submit handler leaves it alone
  const form = e.target;
  const name = form.elements.name.value.trim();
  if (!name) return;
  live.send("participant.proxy", { name: name.slice(0, 80) });
  form.reset();
  showNotice(`${name} is on the board: choose them under “Notes and dots for” to add theirs.`, null, false);
});
root.addEventListener("focusout", queueRender); // a field left behind catches up with the map
// The map the page was rendered from, with this person's waiting changes on top, until the socket's own
// snapshot replaces it: the list is whole at once, even if the connection never opens.
live.receive({ type: "snapshot", board: seed });
render();
renderConnection();
live.connect();
window.pathweaver = live; // for the browser tests and the curious
