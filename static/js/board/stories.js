// Contribution stories (rule P52): the group's account of what changed, for whom, what it did, how that
// contributed, the evidence, and the other factors that may explain it — each told along one pathway from an
// activity to an impact. The panel lists them; choosing one lights its pathway on the board (as a pathway vote
// does, with the same helpers); "Write a story" picks an impact, then one of the pathways into it, then the
// story. A story whose pathway has broken since (a note or link on it deleted) stays, marked as broken.

import { newId } from "../live.js";
import { kindOf, live, root, world } from "./context.js";
import { closeDrawerOnSmallScreens } from "./drawer.js";
import { say } from "./panels.js";
import { named, pathwaysInto } from "../pathways.js";
import { light } from "./pathway_votes.js";
import { regionOf, showRegion } from "./viewport.js";

const START = "activity", END = "impact", OTHER_FACTOR = "other-factor"; // server/board/pathways.py, templates
const TEXTS = ["what_changed", "for_whom", "what_we_did", "how_it_contributed", "evidence"];
const LIT = "story-pathway";

const panel = root.querySelector("[data-stories]");
const form = panel?.querySelector("[data-story-form]");
const state = { shown: null, editing: null, version: null, fingerprint: "" };

function stories(view) {
  return [...(view.stories?.values() ?? [])];
}

/** Whether the pathway is no longer a chain on the board (as server/board/stories.py `broken`). */
export function isBroken(view, key) {
  const ids = key.split(">");
  if (ids.some((id) => !view.notes.has(id))) return true;
  const pairs = new Set([...view.links.values()].map((l) => `${l.source}>${l.target}`));
  return ids.slice(1).some((to, i) => !pairs.has(`${ids[i]}>${to}`));
}

function label(kind) {
  return kindOf.get(kind)?.label ?? kind;
}

function storyRow(view, story) {
  const li = document.createElement("li");
  li.dataset.story = story.id;
  const title = Object.assign(document.createElement("button"), { type: "button", className: "story-title" });
  title.textContent = story.title;
  title.setAttribute("aria-pressed", String(state.shown === story.id));
  title.dataset.storyShow = "";
  const path = Object.assign(document.createElement("p"), { className: "story-path" });
  path.textContent = named(view, story.pathway);
  if (isBroken(view, story.pathway)) {
    const badge = Object.assign(document.createElement("span"), { className: "story-broken", textContent: "pathway broken" });
    badge.title = "A note or link on this pathway has been deleted since the story was written";
    path.prepend(badge, " ");
  }
  const edit = Object.assign(document.createElement("button"), { type: "button", textContent: "Edit", className: "link-button" });
  edit.dataset.storyEdit = "";
  edit.setAttribute("aria-label", `Edit the story ${story.title}`);
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Delete", className: "link-button danger" });
  remove.dataset.storyDelete = "";
  remove.setAttribute("aria-label", `Delete the story ${story.title}`);
  const tools = Object.assign(document.createElement("span"), { className: "story-tools" });
  tools.append(edit, remove);
  li.append(title, path, tools);
  if (state.shown === story.id) li.append(details(view, story));
  return li;
}

/** The story's texts, under its title while it is shown. */
function details(view, story) {
  const dl = Object.assign(document.createElement("dl"), { className: "story-details" });
  for (const name of TEXTS) {
    if (!story[name]) continue;
    const dt = document.createElement("dt");
    dt.textContent = form.querySelector(`label[for=story-${name}]`).textContent;
    const dd = document.createElement("dd");
    dd.textContent = story[name];
    dl.append(dt, dd);
  }
  const factors = (story.other_factors ?? []).map((id) => view.notes.get(id)?.text).filter(Boolean);
  if (factors.length) {
    const dt = Object.assign(document.createElement("dt"), { textContent: "Other factors" });
    const dd = Object.assign(document.createElement("dd"), { textContent: factors.join("; ") });
    dl.append(dt, dd);
  }
  return dl;
}

function renderList(view) {
  const all = stories(view);
  const coming = live.pending.some((op) => op.op === "story.add" && op.id === state.shown); // sent, not yet stored
  if (state.shown && !view.stories?.has(state.shown) && !coming) state.shown = null;
  // Rebuilt only when what it shows changes, so a focused button keeps the focus.
  const fingerprint = JSON.stringify([state.shown, all, view.notes.size, view.links.size, [...view.notes.values()].map((n) => n.text)]);
  if (fingerprint === state.fingerprint) return;
  state.fingerprint = fingerprint;
  const focused = document.activeElement?.closest?.("[data-story]");
  const again = focused && { id: focused.dataset.story, which: Object.keys(document.activeElement.dataset)[0] };
  panel.querySelector("[data-story-list]").replaceChildren(...all.map((s) => storyRow(view, s)));
  panel.querySelector("[data-stories-empty]").hidden = all.length > 0;
  if (again) panel.querySelector(`[data-story="${CSS.escape(again.id)}"] [data-${again.which.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`)?.focus();
}

function lightShown(view) {
  const story = state.shown && view.stories?.get(state.shown);
  const previewing = !form.hidden && form.elements.pathway.value;
  const key = previewing ? form.elements.pathway.value : story?.pathway;
  light(view, key ? [key] : [], LIT);
  world.classList.toggle("story-lit", Boolean(key));
}

function render() {
  const view = live.view();
  if (!view || !panel) return;
  renderList(view);
  lightShown(view);
}

function fillImpacts(view, chosen) {
  const select = form.elements.impact;
  const ends = [...view.notes.values()].filter((n) => n.kind === END && !n.private).sort((a, b) => a.text.localeCompare(b.text));
  select.replaceChildren(...ends.map((n) => new Option(n.text, n.id)));
  select.value = chosen && ends.some((n) => n.id === chosen) ? chosen : ends[0]?.id ?? "";
}

function fillPathways(view, keep) {
  const select = form.elements.pathway;
  const keys = form.elements.impact.value ? pathwaysInto(view, form.elements.impact.value, START).map((p) => p.join(">")) : [];
  const options = keys.map((k) => new Option(named(view, k), k));
  if (keep && !keys.includes(keep)) options.unshift(new Option(`${named(view, keep)} (as written${isBroken(view, keep) ? ", broken" : ""})`, keep));
  select.replaceChildren(...options);
  select.value = keep ?? keys[0] ?? "";
  form.querySelector("[data-story-no-pathway]").hidden = options.length > 0;
  form.querySelector("[data-story-no-pathway]").textContent = form.elements.impact.options.length
    ? `No pathway from an ${label(START).toLowerCase()} reaches this ${label(END).toLowerCase()} yet: link them on the board first.`
    : `No ${label(END).toLowerCase()} on the board yet.`;
}

function fillFactors(view, chosen) {
  const factors = [...view.notes.values()].filter((n) => n.kind === OTHER_FACTOR && !n.private);
  for (const id of chosen) if (!factors.some((n) => n.id === id) && view.notes.has(id)) factors.push(view.notes.get(id));
  const box = form.querySelector("[data-story-factors]");
  box.hidden = factors.length === 0;
  box.querySelector("[data-story-factor-list]").replaceChildren(...factors.map((n) => {
    const input = Object.assign(document.createElement("input"), { type: "checkbox", name: "factor", value: n.id, checked: chosen.includes(n.id) });
    const wrap = Object.assign(document.createElement("label"), { className: "check" });
    wrap.append(input, ` ${n.text}`);
    return wrap;
  }));
}

function open(story) {
  const view = live.view();
  state.editing = story?.id ?? null;
  state.version = story?.version ?? null;
  form.reset();
  form.querySelector("[data-story-form-heading]").textContent = story ? "Edit the story" : "Write a story";
  const ids = story?.pathway.split(">") ?? [];
  fillImpacts(view, ids.at(-1));
  fillPathways(view, story?.pathway);
  form.elements.title.value = story?.title ?? "";
  for (const name of TEXTS) form.elements[name].value = story?.[name] ?? "";
  fillFactors(view, story?.other_factors ?? []);
  form.hidden = false;
  panel.querySelector("[data-action=story-write]").hidden = true;
  render();
  form.elements.impact.focus();
}

function close() {
  form.hidden = true;
  state.editing = null;
  panel.querySelector("[data-action=story-write]").hidden = false;
  render();
  panel.querySelector("[data-action=story-write]").focus();
}

function show(story) {
  state.shown = state.shown === story.id ? null : story.id;
  render();
  const notes = state.shown ? story.pathway.split(">").map((id) => live.view().notes.get(id)).filter(Boolean) : [];
  if (notes.length) {
    closeDrawerOnSmallScreens(); // on a phone the board is under the menu: show it
    showRegion(regionOf(notes), { margin: 40, maxZoom: 1.5 });
  }
  say(state.shown ? `The pathway of “${story.title}” is lit on the board.` : "No story's pathway is lit.");
}

function save(e) {
  e.preventDefault();
  const f = form.elements;
  if (!f.pathway.value) { say("Choose a pathway for the story first."); f.pathway.focus(); return; }
  if (!f.title.value.trim()) { say("A story needs a title."); f.title.focus(); return; }
  const fields = {
    title: f.title.value,
    pathway: f.pathway.value,
    other_factors: [...form.querySelectorAll("input[name=factor]:checked")].map((b) => b.value),
  };
  for (const name of TEXTS) fields[name] = f[name].value;
  if (state.editing) {
    live.send("story.update", { id: state.editing, ...fields, expect: state.version });
    state.shown = state.editing;
  } else {
    const id = newId("s");
    live.send("story.add", { id, ...fields });
    state.shown = id;
  }
  say(`Story “${fields.title.trim()}” saved.`);
  close();
}

export function listenForStories() {
  if (!panel) return;
  live.addEventListener("change", () => requestAnimationFrame(render)); // after the notes and arrows are drawn
  panel.querySelector("[data-action=story-write]").addEventListener("click", () => open(null));
  form.querySelector("[data-action=story-cancel]").addEventListener("click", close);
  form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); close(); } });
  form.addEventListener("submit", save);
  form.elements.impact.addEventListener("change", () => { fillPathways(live.view(), null); render(); });
  form.elements.pathway.addEventListener("change", render);
  panel.querySelector("[data-story-list]").addEventListener("click", (e) => {
    const id = e.target.closest("[data-story]")?.dataset.story;
    const story = id && live.view()?.stories?.get(id);
    if (!story) return;
    if (e.target.closest("[data-story-show]")) show(story);
    else if (e.target.closest("[data-story-edit]")) open(story);
    else if (e.target.closest("[data-story-delete]")) {
      if (!confirm(`Delete the story “${story.title}”? Everyone loses it.`)) return;
      live.send("story.delete", { id: story.id, expect: story.version });
      say(`Story “${story.title}” deleted.`);
    }
  });
}
