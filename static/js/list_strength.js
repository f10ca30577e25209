// How strong each pathway is (rule P54), in the list view: under each impact, its pathways from an activity,
// weakest first, each named by its notes with its grade and confidence in words, its weakest and contested
// links and what it rests on — so that someone with a screen reader finds the weakest pathway by its heading.
// Read as the board's Pathways panel reads it (GET /api/workshops/{id}/pathways): the facilitator's always,
// everyone's once the facilitator shows the checks; asked again a moment after the map changes.

import { h } from "./list_dom.js";
import { named } from "./pathways.js";
import { contestedWords, keyOf, restsOn, strengthLine, weakestWords } from "./strength_words.js";

const AGAIN_MS = 1200; // after the last change, before asking again (as the board's panel)

export function listenForStrength(root, live, isFacilitator) {
  const section = root.querySelector("[data-list-strength]");
  if (!section) return;
  const items = section.querySelector("[data-list-strength-items]");
  let timer = null, asked = -1, impacts = null, drawn = "";

  function draw() {
    const view = live.view();
    if (!view || !impacts) return;
    const fingerprint = JSON.stringify([impacts, [...view.notes.values()].map((n) => n.text)]);
    if (fingerprint === drawn) return;
    drawn = fingerprint;
    const reached = impacts.filter((i) => i.count);
    if (!reached.length) { items.replaceChildren(h("p", { class: "hint" }, "No pathway from an activity reaches an impact yet.")); return; }
    items.replaceChildren(...reached.map((i) => h("section", {},
      h("h3", {}, `Into “${view.notes.get(i.impact)?.text ?? "(deleted since)"}” (${i.count}${i.capped || i.count > i.pathways.length ? ", and more not listed" : ""})`),
      h("ol", {}, ...i.pathways.map((p) => {
        const lines = [weakestWords(view, p), contestedWords(view, p), restsOn(view, p)].filter(Boolean);
        const weak = ["ungraded", "none", "weak"].includes(p.grade);
        return h("li", { class: weak ? "strength-weak" : false, "data-pathway": keyOf(p) },
          h("h4", {}, named(view, keyOf(p))), h("p", {}, strengthLine(p)),
          ...lines.map((text) => h("p", { class: "strength-more" }, text)));
      })))));
  }

  async function refresh() {
    const head = live.map?.head ?? 0;
    if (section.hidden || head === asked) return;
    asked = head;
    let r;
    try {
      r = await fetch(`/api/workshops/${live.workshopId}/pathways`, { headers: { Accept: "application/json" } });
    } catch { asked = -1; return; } // offline: try again on the next change
    if (!r.ok) { asked = -1; return; }
    impacts = (await r.json()).impacts;
    draw();
  }

  live.addEventListener("change", () => {
    const shown = isFacilitator || Boolean(live.map?.workshop.checks_for_everyone);
    if (section.hidden === shown) { section.hidden = !shown; asked = -1; }
    clearTimeout(timer);
    timer = setTimeout(refresh, asked === -1 ? 0 : AGAIN_MS);
    draw(); // notes renamed: the names follow at once
  });
}
