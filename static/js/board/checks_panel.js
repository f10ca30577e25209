// The method's checks (rule P49), in a panel: links that run backwards or skip steps, impacts no activity
// reaches, activities that reach no impact, outcomes and impacts without an indicator, links on assumption
// alone, loose assumptions, feedback loops. The server works them out from the map this person may see; the
// panel asks again a moment after the map changes, while it is open. Choosing a finding goes to it on the board.

import { changedBoard, isFacilitator, live, root, ui } from "./context.js";
import { closeDrawerOnSmallScreens } from "./drawer.js";
import { noteEls } from "./render.js";
import { regionOf, showRegion } from "./viewport.js";

const panel = root.querySelector("[data-checks]");
const list = panel?.querySelector("[data-checks-list]");
const AGAIN_MS = 1200; // after the last change, before asking again
let timer = null;
let asked = -1; // the map head the shown findings are from

async function refresh() {
  if (!panel.open) return;
  const head = live.map?.head ?? 0;
  if (head === asked) return;
  asked = head;
  let r;
  try {
    r = await fetch(`/api/workshops/${live.workshopId}/checks`, { headers: { Accept: "application/json" } });
  } catch { asked = -1; return; } // offline: try again on the next change
  if (!r.ok) { asked = -1; list.replaceChildren(Object.assign(document.createElement("p"), { textContent: "The checks are not shown to participants." })); return; }
  render((await r.json()).checks);
}

function render(checks) {
  const total = checks.reduce((n, c) => n + c.count, 0);
  panel.querySelector("[data-checks-count]").textContent = `(${total})`;
  if (!total) { list.replaceChildren(Object.assign(document.createElement("p"), { textContent: "Nothing to check: the map holds together." })); return; }
  list.replaceChildren(...checks.filter((c) => c.count).map((c) => {
    const section = document.createElement("section");
    section.className = `check-group ${c.severity}`;
    const heading = Object.assign(document.createElement("h3"), { textContent: `${c.title} (${c.count})` });
    const items = document.createElement("ul");
    for (const f of c.findings) {
      const li = document.createElement("li");
      const go = Object.assign(document.createElement("button"), { type: "button", className: "link-button", textContent: f.message });
      go.dataset.notes = f.notes.join(" ");
      go.dataset.links = f.links.join(" ");
      li.append(go);
      items.append(li);
    }
    section.append(heading, items);
    return section;
  }));
}

/** Show a finding's notes (and the notes of its links) on the board, and select its link or focus its note. */
function goTo(button) {
  const view = live.view();
  const links = button.dataset.links.split(" ").filter((id) => view.links.has(id));
  const ids = new Set(button.dataset.notes.split(" ").filter(Boolean));
  for (const id of links) { const l = view.links.get(id); ids.add(l.source); ids.add(l.target); }
  const notes = [...ids].map((id) => view.notes.get(id)).filter(Boolean);
  if (!notes.length) return;
  closeDrawerOnSmallScreens(); // on a phone the board is under the menu: show it
  showRegion(regionOf(notes), { margin: 80, maxZoom: 1.2 });
  if (links.length) { ui.selectedLink = links[0]; changedBoard(); }
  else {
    // A finding about a note: a link chosen before would keep its panel open, over the note on a phone.
    if (ui.selectedLink) { ui.selectedLink = null; changedBoard(); }
    noteEls.get(notes[0].id)?.focus({ preventScroll: true });
  }
}

export function listenForChecks() {
  if (!panel) return;
  panel.addEventListener("toggle", () => { asked = -1; refresh(); });
  live.addEventListener("change", () => {
    panel.hidden = !isFacilitator && !live.map?.workshop.checks_for_everyone;
    clearTimeout(timer);
    timer = setTimeout(refresh, AGAIN_MS);
  });
  list.addEventListener("click", (e) => { const b = e.target.closest("button"); if (b) goTo(b); });
  panel.querySelector("[data-action=checks-for-everyone]")?.addEventListener("change", (e) => {
    live.send("workshop.checks", { shown: e.target.checked });
  });
}
