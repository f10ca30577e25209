// Zooming to a part of the map, so a facilitator can show one cluster large on the projector: Z on a note
// shows it with the notes it links to and from.

import { live } from "./context.js";
import { regionOf, showRegion } from "./viewport.js";

const MARGIN = 60; // screen px around the cluster

/** The note and its direct neighbours, as a board region. */
export function neighbourhood(id) {
  const view = live.view();
  const ids = new Set([id]);
  for (const link of view.links.values()) {
    if (link.source === id) ids.add(link.target);
    if (link.target === id) ids.add(link.source);
  }
  return regionOf([...ids].map((n) => view.notes.get(n)).filter(Boolean));
}

export function listenForRegionKeys() {
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || (e.key !== "z" && e.key !== "Z")) return;
    const noteEl = e.target.closest?.(".note");
    if (!noteEl || !live.view()?.notes.has(noteEl.dataset.id)) return;
    e.preventDefault();
    showRegion(neighbourhood(noteEl.dataset.id), { margin: MARGIN, maxZoom: 2.5 });
  });
}
