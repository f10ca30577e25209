// The spotlight (rule P41): the facilitator puts one note in front of everyone — every board zooms to it and
// dims the rest — until they end it. Transient: the server relays it and tells late joiners in `welcome`.
// The facilitator spotlights the focused note with S (again, or Escape on the chip, ends it).

import { isFacilitator, live, notesLayer, root } from "./context.js";
import { say } from "./panels.js";
import { regionOf, showRegion } from "./viewport.js";

const chip = root.querySelector("[data-spotlight-chip]");
let shown = null; // the note id this page shows in the spotlight

function render() {
  const spot = live.spotlight;
  const note = spot && live.view()?.notes.get(spot.id);
  const id = note ? note.id : null;
  root.classList.toggle("has-spotlight", Boolean(id));
  for (const el of notesLayer.querySelectorAll(".note.spotlit")) if (el.dataset.id !== id) el.classList.remove("spotlit");
  if (id) notesLayer.querySelector(`.note[data-id="${CSS.escape(id)}"]`)?.classList.add("spotlit");
  if (chip) {
    chip.hidden = !id;
    chip.querySelector("[data-spotlight-text]").textContent = id
      ? (isFacilitator ? `Everyone sees “${note.text}”` : `The facilitator is showing everyone “${note.text}”`) : "";
  }
  if (id && id !== shown) {
    showRegion(regionOf([note]), { origin: "auto", margin: 60, maxZoom: 2.5 });
    say(`In the spotlight: ${note.text}`);
  }
  shown = id;
}

export function listenForSpotlight() {
  live.addEventListener("spotlight", () => requestAnimationFrame(render));
  live.addEventListener("change", () => { if (live.spotlight) requestAnimationFrame(render); });
  if (!isFacilitator) return;
  chip?.querySelector("[data-action=spotlight-end]")?.addEventListener("click", () => live.send("note.spotlight", { id: null }));
  notesLayer.addEventListener("keydown", (e) => {
    const noteEl = e.target.closest(".note");
    if (!noteEl || e.target !== noteEl || e.ctrlKey || e.metaKey || e.altKey || (e.key !== "s" && e.key !== "S")) return;
    e.preventDefault();
    live.send("note.spotlight", { id: live.spotlight?.id === noteEl.dataset.id ? null : noteEl.dataset.id });
  });
}
