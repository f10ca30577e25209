// The people panel: who is here and online; the facilitator renames or removes anyone, and each person renames
// themselves (rule P50). Someone removed leaves the list (their notes stay, named as theirs), and a removed
// person's own page says so instead of reconnecting.

import { isFacilitator, live, root, ui } from "./context.js";
import { toast } from "./panels.js";

const MAX_NAME = 40; // as joining takes names
const MAX_PROXY_NAME = 80; // as the facilitator named someone without a device (rule P42)

let renaming = null; // the id of the person whose name is being edited here, or null

/** The list of people, or — while a name is being edited — nothing, so the field keeps its focus and text. */
export function renderPeople(view) {
  const people = root.querySelector("[data-people]");
  if (renaming && view.participants.get(renaming) && !view.participants.get(renaming).removed) return;
  renaming = null;
  const quiet = notYetContributed(view);
  const rows = [...view.participants.values()]
    .filter((p) => p.id !== "imported" && !p.removed)
    .sort((a, b) => Number(live.online.has(b.id)) - Number(live.online.has(a.id)) || a.name.localeCompare(b.name));
  people.replaceChildren(...rows.map((p) => row(p, quiet)));
  root.querySelector("[data-online-count]").textContent = String(live.online.size);
}

function row(p, quiet) {
  const li = document.createElement("li");
  li.className = live.online.has(p.id) ? "online" : "offline";
  li.dataset.person = p.id;
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.style.background = p.colour;
  const name = document.createElement("span");
  name.className = "person-name";
  name.textContent = p.name + (p.id === live.me ? " (you)" : "") + (p.role === "facilitator" ? " · facilitator" : "")
    + (p.role === "proxy" ? " · no device" : "")
    + (quiet.has(p.id) ? " · nothing yet this phase" : "");
  const state = document.createElement("span");
  state.className = "visually-hidden";
  state.textContent = live.online.has(p.id) ? " online" : " offline";
  li.append(dot, name, state);
  const actions = document.createElement("span");
  actions.className = "person-actions";
  if (isFacilitator || p.id === live.me) actions.append(button("Rename", `Rename ${p.name}`, () => startRename(li, p)));
  if (isFacilitator && p.id !== live.me) actions.append(button("Remove", `Remove ${p.name}`, () => remove(p), "danger"));
  if (actions.childElementCount) li.append(actions);
  return li;
}

function button(text, label, run, kind) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `small${kind ? ` ${kind}` : ""}`;
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", run);
  return b;
}

/** An inline form in the person's row: Enter saves, Escape (or Cancel) puts the list back. */
function startRename(li, p) {
  renaming = p.id;
  const form = document.createElement("form");
  form.className = "rename-person row";
  const input = document.createElement("input");
  input.name = "name";
  input.value = p.name;
  input.required = true;
  input.maxLength = p.role === "proxy" ? MAX_PROXY_NAME : MAX_NAME;
  input.setAttribute("aria-label", `New name for ${p.name}`);
  const save = document.createElement("button");
  save.type = "submit";
  save.textContent = "Save";
  const cancel = button("Cancel", `Keep the name ${p.name}`, () => stop(li));
  form.append(input, save, cancel);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (name && name !== p.name) {
      live.send("participant.rename", { id: p.id, name });
      toast(`${p.name} is now ${name}.`);
    }
    stop(li);
  });
  form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); stop(li); } });
  li.replaceChildren(form);
  input.focus();
  input.select();
}

function stop(li) {
  const id = renaming;
  renaming = null;
  renderPeople(live.view());
  root.querySelector(`[data-people] [data-person="${CSS.escape(id)}"] button`)?.focus(); // back where it was
  ui.panelsDirty = true;
}

function remove(p) {
  const message = `Remove ${p.name} from this workshop? They can no longer open or change the board on their device. `
    + "What they added stays on the board, under their name.";
  if (!confirm(message)) return;
  live.send("participant.remove", { id: p.id });
  if (ui.actingFor === p.id) ui.actingFor = null; // nobody acts for someone who has gone
  toast(`${p.name} was removed from the workshop.`);
}

/** For the facilitator, once a plan runs: who has added no note since the phase began (rule P42). */
function notYetContributed(view) {
  if (!isFacilitator || !view.plan?.changed_at) return new Set();
  const since = view.plan.changed_at;
  const active = new Set([...view.notes.values()].filter((n) => n.created_at >= since).map((n) => n.author));
  return new Set([...view.participants.values()]
    .filter((p) => p.role !== "facilitator" && !active.has(p.id)).map((p) => p.id));
}

/** The page of someone removed: one clear message over the board, and no more reconnecting (live.js). */
export function listenForRemoval() {
  live.addEventListener("connection", () => {
    if (live.state !== "removed") return;
    const notice = root.querySelector("[data-removed]");
    if (!notice || !notice.hidden) return;
    for (const el of root.children) if (el !== notice) el.inert = true;
    notice.hidden = false;
    notice.querySelector("h2").focus();
  });
}
