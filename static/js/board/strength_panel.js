// How strong each pathway is (rule P54), in a panel: for each impact its pathways from an activity, weakest
// first, each with its evidence grade and confidence in words, its weakest and contested links, and what it
// rests on. The server works them out (one definition, for this and the contribution report) from the map
// this person may see; the panel asks again a moment after the map changes, while it is open, as the checks
// panel does. Choosing a pathway lights it on the board (as a pathway vote or a story does) and centres it,
// its weakest links marked; choosing it again lets it go. Choosing a weakest link chooses it on the board, where
// its evidence and confidence are given.

import { changedBoard, isFacilitator, live, root, ui, world } from "./context.js";
import { closeDrawerOnSmallScreens } from "./drawer.js";
import { light } from "./pathway_votes.js";
import { regionOf, showRegion } from "./viewport.js";
import { named } from "../pathways.js";
import { contestedWords, keyOf, linkWords, restsOn, strengthLine } from "../strength_words.js";

const panel = root.querySelector("[data-pathway-strength]");
const list = panel?.querySelector("[data-pathway-strength-list]");
const AGAIN_MS = 1200; // after the last change, before asking again (as the checks panel)
const SHOWN_PER_IMPACT = 10; // the weakest ones; the list view lists them all
const LIT = "strength-pathway", WEAKEST = "strength-weakest";
let timer = null;
let asked = -1; // the map head the shown pathways are from
let drawn = ""; // what the list was drawn from, so that it is redrawn only when that changes
let impacts = [];
let shown = null; // the lit pathway's key, or null

async function refresh() {
  if (!panel.open) return;
  const head = live.map?.head ?? 0;
  if (head === asked) return;
  asked = head;
  let r;
  try {
    r = await fetch(`/api/workshops/${live.workshopId}/pathways?per_impact=${SHOWN_PER_IMPACT}`, { headers: { Accept: "application/json" } });
  } catch { asked = -1; return; } // offline: try again on the next change
  if (!r.ok) { asked = -1; impacts = []; drawn = ""; say("Pathways are not shown to participants."); return; }
  impacts = (await r.json()).impacts;
  render();
}

function say(text) {
  list.replaceChildren(Object.assign(document.createElement("p"), { className: "hint", textContent: text }));
}

function el(tag, attrs, ...children) {
  const node = Object.assign(document.createElement(tag), attrs);
  node.append(...children.filter(Boolean));
  return node;
}

/** "Weakest link: A → B", a button for each that chooses the link on the board, where its evidence is given. */
function weakestLines(view, p) {
  return p.weakest.filter((id) => view.links.has(id)).map((id) => {
    const words = linkWords(view, p, id);
    const go = el("button", { type: "button", className: "link-button", textContent: `Weakest link: ${words}` });
    go.dataset.link = id;
    go.setAttribute("aria-label", `Choose the weakest link ${words}, to weigh its evidence`);
    return el("p", { className: "strength-more" }, go);
  });
}

function pathwayItem(view, p) {
  const key = keyOf(p);
  const go = el("button", { type: "button", className: "strength-name", textContent: named(view, key) });
  go.dataset.key = key;
  go.setAttribute("aria-pressed", String(shown === key));
  const more = [contestedWords(view, p), restsOn(view, p)].filter(Boolean);
  const li = el("li", {}, go, el("p", { className: "strength-line", textContent: strengthLine(p) }), ...weakestLines(view, p),
    ...more.map((text) => el("p", { className: "strength-more", textContent: text })));
  if (p.grade === "ungraded" || p.grade === "none" || p.grade === "weak") li.className = "strength-weak";
  return li;
}

function render() {
  const view = live.view();
  if (!view || !list) return;
  const fingerprint = JSON.stringify([impacts, shown, [...view.notes.values()].map((n) => n.text)]);
  if (fingerprint !== drawn) {
    drawn = fingerprint;
    const focused = document.activeElement?.closest?.("[data-pathway-strength-list] [data-key]")?.dataset.key;
    const reached = impacts.filter((i) => i.count);
    const total = reached.reduce((n, i) => n + i.count, 0);
    panel.querySelector("[data-pathway-strength-count]").textContent = `(${total})`;
    if (!reached.length) say("No pathway from an activity reaches an impact yet.");
    else list.replaceChildren(...reached.map((i) => {
      const title = view.notes.get(i.impact)?.text ?? "(deleted since)";
      const items = el("ol", {}, ...i.pathways.map((p) => pathwayItem(view, p)));
      const left = i.count - i.pathways.length;
      const more = left > 0 || i.capped
        ? el("p", { className: "hint", textContent: `${left > 0 ? `${left} more` : "More"}: the list view lists every pathway the search found.` })
        : null;
      return el("section", {}, el("h3", { textContent: `${title} (${i.count}${i.capped ? "+" : ""})` }), items, more);
    }));
    if (focused) list.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }
  lightShown(view);
}

function pathwayOf(key) {
  for (const i of impacts) for (const p of i.pathways) if (keyOf(p) === key) return p;
  return null;
}

function lightShown(view) {
  const p = shown && pathwayOf(shown);
  if (shown && !p) shown = null; // gone from the map (or no longer a pathway)
  light(view, p ? [shown] : [], LIT);
  const weakest = p ? p.weakest.map((id) => view.links.get(id)).filter(Boolean).map((l) => `${l.source}>${l.target}`) : [];
  light(view, weakest, WEAKEST);
  world.classList.toggle("strength-lit", Boolean(p));
}

/** Choose a weakest link on the board (its evidence panel opens), its pathway lit, and show it. */
function chooseLink(button) {
  const view = live.view();
  const link = view.links.get(button.dataset.link);
  if (!link) return;
  shown = button.closest("li").querySelector("[data-key]").dataset.key;
  drawn = "";
  render();
  closeDrawerOnSmallScreens();
  showRegion(regionOf([link.source, link.target].map((id) => view.notes.get(id)).filter(Boolean)), { margin: 80, maxZoom: 1.2 });
  ui.selectedLink = link.id;
  changedBoard();
}

function choose(button) {
  const key = button.dataset.key;
  shown = shown === key ? null : key;
  drawn = "";
  render();
  if (!shown) return;
  const view = live.view();
  const notes = key.split(">").map((id) => view.notes.get(id)).filter(Boolean);
  if (!notes.length) return;
  closeDrawerOnSmallScreens(); // on a phone the board is under the menu: show it
  showRegion(regionOf(notes), { margin: 40, maxZoom: 1.5 }); // as a story's pathway is shown
  if (ui.selectedLink) { ui.selectedLink = null; changedBoard(); } // its panel would cover the pathway on a phone
}

export function listenForStrength() {
  if (!panel) return;
  panel.addEventListener("toggle", () => {
    asked = -1;
    if (!panel.open && shown) { shown = null; drawn = ""; render(); } // closed: the board goes back to normal
    refresh();
  });
  live.addEventListener("change", () => {
    panel.hidden = !isFacilitator && !live.map?.workshop.checks_for_everyone;
    if (panel.hidden && panel.open) panel.open = false; // hidden again: its toggle lets the lit pathway go
    clearTimeout(timer);
    timer = setTimeout(refresh, AGAIN_MS);
    if (shown) requestAnimationFrame(() => lightShown(live.view())); // after the notes and arrows are drawn again
  });
  list.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (b?.dataset.key) choose(b);
    else if (b?.dataset.link) chooseLink(b);
  });
}
