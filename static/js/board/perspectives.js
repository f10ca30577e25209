// Perspectives (rule P51): the stakeholder groups the facilitator names, the group each person is in, who
// endorses what, the board seen by one group (what its members proposed or endorsed stands out, the rest dims),
// and where groups disagree: links two or more groups rated whose mean confidences (P46) are far apart.

import { linkEls } from "./arrows.js";
import { changedBoard, isFacilitator, live, root, ui, world } from "./context.js";
import { say } from "./panels.js";
import { actingFor, onBehalf } from "./proxies.js";
import { noteEls } from "./render.js";
import { newId } from "../live.js";

export const DIVERGENT = 2; // points between two groups' mean confidence in a link: they see it differently
const MAX_GROUPS = 12;

const panel = root.querySelector("[data-perspectives]");
const state = { viewBy: "", divergence: false, note: null, drawn: "" };

function groupsOf(view) {
  return view.groups ?? [];
}

function labelOf(view, id) {
  return groupsOf(view).find((g) => g.id === id)?.label ?? id;
}

function members(view, group) {
  return new Set([...view.participants.values()].filter((p) => p.group === group).map((p) => p.id));
}

/** Each group's mean confidence in `link`, for the groups at least one of whose members rated it. */
export function groupMeans(view, link) {
  const sums = new Map();
  for (const [who, value] of Object.entries(link.confidence ?? {})) {
    const group = view.participants.get(who)?.group;
    if (!group || !groupsOf(view).some((g) => g.id === group)) continue;
    const [total, count] = sums.get(group) ?? [0, 0];
    sums.set(group, [total + value, count + 1]);
  }
  return [...sums].map(([group, [total, count]]) => ({ group, mean: total / count, count }));
}

/** Links rated by two or more groups whose means are DIVERGENT points apart or more, most divided first. */
export function divergentLinks(view) {
  const found = [];
  for (const link of view.links.values()) {
    const means = groupMeans(view, link);
    if (means.length < 2) continue;
    const values = means.map((m) => m.mean);
    const gap = Math.max(...values) - Math.min(...values);
    if (gap >= DIVERGENT) found.push({ link, means: means.sort((a, b) => a.mean - b.mean), gap });
  }
  return found.sort((a, b) => b.gap - a.gap || a.link.id.localeCompare(b.link.id));
}

function options(select, items, chosen) {
  const key = JSON.stringify([items, chosen]);
  if (select.dataset.shown === key) return;
  select.dataset.shown = key;
  select.replaceChildren(...items.map(([value, text]) => new Option(text, value, false, value === chosen)));
}

function textOf(view, id) {
  const text = view.notes.get(id)?.text ?? "?";
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function renderControls(view) {
  const groups = groupsOf(view);
  panel.querySelector("[data-groups-shown]").hidden = !groups.length;
  panel.querySelector("[data-perspectives-none]").hidden = groups.length > 0;
  const choices = [["", "—"], ...groups.map((g) => [g.id, g.label])];
  const me = view.participants.get(live.me);
  options(panel.querySelector("[data-my-group]"), choices, me?.group ?? "");
  if (!groups.some((g) => g.id === state.viewBy)) state.viewBy = "";
  options(panel.querySelector("[data-view-by-group]"), [["", "Everyone"], ...groups.map((g) => [g.id, g.label])], state.viewBy);
  if (isFacilitator) {
    const text = panel.querySelector("[data-groups-text]");
    if (document.activeElement !== text && text.dataset.shown !== JSON.stringify(groups)) {
      text.dataset.shown = JSON.stringify(groups);
      text.value = groups.map((g) => g.label).join("\n");
    }
    const people = [...view.participants.values()].filter((p) => p.role !== "facilitator");
    const person = panel.querySelector("[data-group-person]");
    options(person, people.map((p) => [p.id, p.name]), person.value || people[0]?.id || "");
    const chosen = view.participants.get(person.value);
    options(panel.querySelector("[data-group-of-person]"), choices, chosen?.group ?? "");
  }
}

function renderViewBy(view) {
  world.classList.toggle("perspective-on", Boolean(state.viewBy));
  for (const el of world.querySelectorAll(".perspective-match")) el.classList.remove("perspective-match");
  if (!state.viewBy) return;
  const who = members(view, state.viewBy);
  const theirs = (item) => who.has(item.author) || (item.endorsed_by ?? []).some((p) => who.has(p));
  for (const note of view.notes.values()) if (theirs(note)) noteEls.get(note.id)?.classList.add("perspective-match");
  for (const link of view.links.values()) if (theirs(link)) linkEls.get(link.id)?.g.classList.add("perspective-match");
}

function renderDivergence(view) {
  const list = panel.querySelector("[data-divergence-list]");
  for (const el of world.querySelectorAll(".divergent")) el.classList.remove("divergent");
  list.hidden = !state.divergence;
  if (!state.divergence) return;
  const found = divergentLinks(view);
  for (const { link } of found) linkEls.get(link.id)?.g.classList.add("divergent");
  const key = JSON.stringify(found.map(({ link, means }) => [link.id, link.source, link.target, means]));
  if (list.dataset.shown === key) return;
  list.dataset.shown = key;
  if (!found.length) {
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "No link that groups see differently yet." }));
    return;
  }
  list.replaceChildren(...found.map(({ link, means }) => {
    const li = document.createElement("li");
    const name = Object.assign(document.createElement("button"), { type: "button", className: "divergence-link" });
    name.dataset.link = link.id;
    name.textContent = `${textOf(view, link.source)} → ${textOf(view, link.target)}`;
    const detail = Object.assign(document.createElement("span"), { className: "divergence-means" });
    detail.textContent = means.map((m) => `${labelOf(view, m.group)} ${m.mean.toFixed(1)}`).join(" · ");
    li.append(name, detail);
    return li;
  }));
}

function endorsable(view) {
  if (ui.selectedLink && view.links.has(ui.selectedLink)) return { item: view.links.get(ui.selectedLink), what: "link" };
  const note = state.note && view.notes.get(state.note);
  return note && !note.private ? { item: note, what: "note" } : null;
}

function renderEndorse(view) {
  const row = panel.querySelector("[data-endorse-row]");
  const found = endorsable(view);
  row.hidden = !found;
  if (!found) return;
  const { item, what } = found;
  const by = item.endorsed_by ?? [];
  const mine = by.includes(actingFor());
  const button = row.querySelector("[data-action=endorse]");
  button.setAttribute("aria-pressed", String(mine));
  button.textContent = mine ? "Endorsed ✓" : "Endorse";
  row.querySelector("[data-endorse-what]").textContent = what === "link"
    ? `the link ${textOf(view, item.source)} → ${textOf(view, item.target)}` : `“${textOf(view, item.id)}”`;
  // Someone removed keeps their endorsements (what they said while present, P50), marked as the exports mark them.
  const names = by.map((p) => { const who = view.participants.get(p); return who ? `${who.name}${who.removed ? " (removed)" : ""}` : "?"; });
  row.querySelector("[data-endorse-count]").textContent = names.length ? `(${names.length}: ${names.join(", ")})` : "";
}

function render() {
  const view = live.view();
  if (!view || !panel) return;
  renderControls(view);
  renderViewBy(view);
  renderDivergence(view);
  renderEndorse(view);
}

function later() {
  requestAnimationFrame(render); // after the board's own redraw, which makes the notes and arrows marked here
}

/** Groups from the facilitator's lines: a line keeps the id of the group it already names, a new one gets one. */
function groupsFromLines(text) {
  const existing = groupsOf(live.view());
  return text.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, MAX_GROUPS).map((label) => {
    const same = existing.find((g) => g.label === label);
    return same ?? { id: newId("g").slice(0, 13), label: label.slice(0, 60) };
  });
}

export function listenForPerspectives() {
  if (!panel) return;
  live.addEventListener("change", later);
  root.addEventListener("focusin", (e) => {
    const note = e.target.closest?.(".note");
    if (note && noteEls.get(note.dataset.id) === note) { state.note = note.dataset.id; later(); }
  });
  root.addEventListener("click", later); // a link chosen, or the selection cleared
  root.addEventListener("keyup", later);
  panel.querySelector("[data-my-group]").addEventListener("change", (e) => {
    live.send("participant.group", { group: e.target.value || null });
  });
  panel.querySelector("[data-view-by-group]").addEventListener("change", (e) => {
    state.viewBy = e.target.value;
    say(state.viewBy ? `The board by ${labelOf(live.view(), state.viewBy)}: what they proposed or endorsed stands out` : "The board as everyone's");
    render();
  });
  panel.querySelector("[data-divergence]").addEventListener("change", (e) => { state.divergence = e.target.checked; render(); });
  panel.querySelector("[data-divergence-list]").addEventListener("click", (e) => {
    const button = e.target.closest("[data-link]");
    if (!button) return;
    ui.selectedLink = button.dataset.link; // the link panel opens on it, with everyone's confidence
    changedBoard();
  });
  panel.querySelector("[data-action=endorse]").addEventListener("click", (e) => {
    const found = endorsable(live.view());
    if (!found) return;
    const on = e.currentTarget.getAttribute("aria-pressed") !== "true";
    live.send("endorse", { id: found.item.id, on, ...onBehalf() });
    say(on ? `You endorse this ${found.what}` : `You no longer endorse this ${found.what}`);
  });
  if (isFacilitator) {
    panel.querySelector("[data-action=groups-save]").addEventListener("click", () => {
      live.send("groups.set", { groups: groupsFromLines(panel.querySelector("[data-groups-text]").value) });
    });
    panel.querySelector("[data-group-person]").addEventListener("change", render);
    panel.querySelector("[data-action=group-set]").addEventListener("click", () => {
      const participant = panel.querySelector("[data-group-person]").value;
      if (!participant) return;
      const group = panel.querySelector("[data-group-of-person]").value || null;
      live.send("participant.group", { participant, group });
    });
  }
}
