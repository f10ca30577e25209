// Dot votes on whole pathways (rule P48). While one is open: choose the impact (or whatever the vote's pathways
// end at), see the pathways that reach it — from a note of the vote's start kind, as server/board/pathways.py
// defines them — pick one to light up its notes and arrows on the board, and put dots on it with − and +.
// Once it is closed: every pathway's dots, most first, and the top ones lit up on the board. As with any vote,
// only one's own dots reach this page until the close (rule P40).

import { linkEls } from "./arrows.js";
import { kindOf, live, root, world } from "./context.js";
import { say } from "./panels.js";
import { actingFor, onBehalf } from "./proxies.js";
import { noteEls } from "./render.js";
import { regionOf, showRegion } from "./viewport.js";
import { named, pathwaysInto } from "../pathways.js";

const TOP = 3; // pathways lit up on the board once the vote is closed

const panel = root.querySelector("[data-pathway-vote]");
const form = root.querySelector("[data-vote-open]");
const state = { end: null, shown: null, folded: false, endOptions: "", stage: null };

function latestVote() {
  return live.view()?.votes?.at(-1) ?? null;
}

function label(kind) {
  return kindOf.get(kind)?.label ?? kind;
}

function mine(vote) {
  return vote.ballots[actingFor()] ?? {};
}

function spent(vote) {
  return Object.values(mine(vote)).reduce((a, b) => a + b, 0);
}

/** Light up the notes and arrows of `keys` on the board with `className` (and nothing else with it). */
export function light(view, keys, className) {
  for (const el of world.querySelectorAll(`.${className}`)) el.classList.remove(className);
  for (const key of keys) {
    const chain = key.split(">");
    for (const id of chain) noteEls.get(id)?.classList.add(className);
    const steps = new Set(chain.slice(1).map((to, i) => `${chain[i]} ${to}`));
    for (const [id, parts] of linkEls) {
      const l = view.links.get(id);
      if (l && steps.has(`${l.source} ${l.target}`)) parts.g.classList.add(className);
    }
  }
}

function row(view, key, extra) {
  const li = document.createElement("li");
  li.dataset.key = key;
  const name = Object.assign(document.createElement("button"), { type: "button", className: "pathway-name" });
  name.textContent = named(view, key);
  name.setAttribute("aria-pressed", String(state.shown === key));
  li.append(name, ...extra);
  return li;
}

function dotsControl(vote, key, text) {
  const n = mine(vote)[key] ?? 0;
  const box = document.createElement("span");
  box.className = "pathway-dots";
  const down = Object.assign(document.createElement("button"), { type: "button", textContent: "−" });
  down.dataset.vote = "down";
  down.disabled = n === 0;
  down.setAttribute("aria-label", `Take a dot off the pathway ${text}`);
  const count = Object.assign(document.createElement("span"), { className: "pathway-count", textContent: `● ${n}` });
  count.setAttribute("aria-label", `your dots on this pathway: ${n}`);
  const up = Object.assign(document.createElement("button"), { type: "button", textContent: "+" });
  up.dataset.vote = "up";
  up.disabled = n >= vote.max_per_item || spent(vote) >= vote.budget;
  up.setAttribute("aria-label", `Put a dot on the pathway ${text}`);
  box.append(down, count, up);
  return box;
}

function chooseEnd(view, vote) {
  const ends = [...view.notes.values()].filter((n) => n.kind === vote.end && !n.private);
  ends.sort((a, b) => a.text.localeCompare(b.text));
  const select = panel.querySelector("[data-pathway-end]");
  const options = ends.map((n) => `${n.id}\u0000${n.text}`).join("\u0001");
  if (options !== state.endOptions) { // rebuilt only when the notes change: an open list stays open
    state.endOptions = options;
    select.replaceChildren(...ends.map((n) => new Option(n.text, n.id)));
  }
  if (!ends.some((n) => n.id === state.end)) state.end = ends[0]?.id ?? null;
  select.value = state.end ?? "";
  panel.querySelector("[data-pathway-choose]").firstChild.textContent = `${label(vote.end)}: `;
}

function renderOpen(view, vote) {
  chooseEnd(view, vote);
  const found = state.end ? pathwaysInto(view, state.end, vote.start) : [];
  const keys = found.map((p) => p.join(">"));
  panel.querySelector("[data-pathway-hint]").textContent = !state.end
    ? `No ${label(vote.end).toLowerCase()} on the board yet.`
    : keys.length
      ? `Pathways from a${/^[aeiou]/i.test(label(vote.start)) ? "n" : ""} ${label(vote.start).toLowerCase()} into this ${label(vote.end).toLowerCase()}: choose one to see it on the board.`
      : `No pathway from a${/^[aeiou]/i.test(label(vote.start)) ? "n" : ""} ${label(vote.start).toLowerCase()} reaches this ${label(vote.end).toLowerCase()} yet.`;
  const list = panel.querySelector("[data-pathway-list]");
  list.replaceChildren(...keys.map((key) => row(view, key, [dotsControl(vote, key, named(view, key))])));
  if (state.shown && !keys.includes(state.shown)) state.shown = null;
  light(view, state.shown ? [state.shown] : [], "on-pathway");
  light(view, [], "top-pathway");
}

function renderResults(view, vote) {
  const ranked = Object.entries(vote.totals).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const best = ranked.slice(0, TOP).map(([key]) => key);
  panel.querySelector("[data-pathway-hint]").textContent = ranked.length
    ? `The top ${Math.min(TOP, ranked.length) === 1 ? "pathway is" : `${Math.min(TOP, ranked.length)} pathways are`} marked on the board; choose one to see it alone.`
    : "No dots were given.";
  const list = panel.querySelector("[data-pathway-list]");
  list.replaceChildren(...ranked.map(([key, n]) => {
    const count = Object.assign(document.createElement("span"), { className: "pathway-count", textContent: `● ${n}` });
    count.setAttribute("aria-label", `${n} dot${n === 1 ? "" : "s"}`);
    const li = row(view, key, [count]);
    li.classList.toggle("top", best.includes(key));
    return li;
  }));
  if (state.shown && !vote.totals[state.shown]) state.shown = null;
  light(view, state.shown ? [] : best, "top-pathway");
  light(view, state.shown ? [state.shown] : [], "on-pathway");
}

function render() {
  const view = live.view();
  if (!view || !panel) return;
  const vote = latestVote();
  const active = vote?.on === "pathways";
  panel.hidden = !active;
  if (!active) {
    if (state.stage === null) return; // nothing of a pathway vote on the board: most changes end here
    state.stage = null;
    world.classList.remove("pathway-lit");
    light(view, [], "on-pathway");
    light(view, [], "top-pathway");
    return;
  }
  const open = vote.closed_at === null;
  const stage = `${vote.id} ${open}`;
  if (state.stage !== stage) { // a new vote, or its results: start from the whole list again
    state.stage = stage;
    state.shown = null;
  }
  // The vote bar above says what the vote asks while it is open; once it is closed, this says it.
  panel.querySelector("[data-pathway-heading]").textContent = open
    ? `Pathways from ${label(vote.start)} to ${label(vote.end)}`
    : `Results: ${vote.title || "pathways"}`;
  panel.querySelector("[data-pathway-choose]").hidden = !open;
  panel.classList.toggle("folded", state.folded);
  // A rebuilt list keeps the focus where it was: on the same button of the same pathway.
  const focused = document.activeElement?.closest?.("[data-pathway-list] li");
  const again = focused && { key: focused.dataset.key, vote: document.activeElement.dataset.vote };
  if (open) renderOpen(view, vote); else renderResults(view, vote);
  world.classList.toggle("pathway-lit", Boolean(state.shown || (!open && Object.keys(vote.totals).length)));
  if (again) {
    const li = [...panel.querySelectorAll("[data-pathway-list] li")].find((el) => el.dataset.key === again.key);
    const target = li?.querySelector(again.vote ? `[data-vote=${again.vote}]` : ".pathway-name");
    if (target && !target.disabled) target.focus();
    else li?.querySelector(".pathway-name")?.focus();
  }
}

export function listenForPathwayVotes() {
  form?.addEventListener("change", (e) => {
    if (e.target.name !== "on") return;
    const pathways = form.elements.on.value === "pathways";
    form.querySelector("[data-vote-kinds]").hidden = pathways;
    form.querySelector("[data-vote-ends]").hidden = !pathways;
  });
  if (!panel) return;
  const later = () => requestAnimationFrame(render); // after the notes and arrows are drawn
  live.addEventListener("change", later);
  panel.querySelector("[data-pathway-end]").addEventListener("change", (e) => {
    state.end = e.target.value;
    state.shown = null;
    render();
  });
  panel.querySelector("[data-action=pathway-fold]").addEventListener("click", (e) => {
    state.folded = !state.folded;
    e.currentTarget.setAttribute("aria-expanded", String(!state.folded));
    e.currentTarget.textContent = state.folded ? "Show list" : "Hide list";
    render();
  });
  panel.querySelector("[data-pathway-list]").addEventListener("click", (e) => {
    const li = e.target.closest("li");
    const vote = latestVote();
    if (!li || !vote) return;
    const key = li.dataset.key;
    const button = e.target.closest("[data-vote]");
    if (!button) {
      if (!e.target.closest(".pathway-name")) return;
      state.shown = state.shown === key ? null : key;
      render();
      // Bring the chosen pathway into view, whole: on a phone the map is otherwise too small to read.
      const notes = state.shown ? key.split(">").map((id) => live.view().notes.get(id)).filter(Boolean) : [];
      if (notes.length) showRegion(regionOf(notes), { margin: 40, maxZoom: 1.5 });
      return;
    }
    if (vote.closed_at !== null) return;
    const now = mine(vote)[key] ?? 0;
    const dots = button.dataset.vote === "up" ? now + 1 : now - 1;
    live.send("vote.cast", { item: key, dots, ...onBehalf() });
    say(`${dots} of your dots on this pathway; ${vote.budget - spent(vote) - (dots - now)} left.`);
  });
}
