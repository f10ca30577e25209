// Tethers: a thin dashed line from each assumption note to the middle of the link it is attached to (rule P46),
// so that an assumption reads as what that link rests on rather than a note floating on the board. Drawn in
// the links' layer, under the notes; a tether to a note this person cannot see (private, deleted) is not drawn.

import { SVG_NS, linksLayer } from "./context.js";
import { borderPoint, linkEls, pointAlong } from "./arrows.js";
import { noteSize } from "./sizes.js";

const tethers = new Map(); // "linkId noteId" -> its path

const r = (v) => Math.round(v * 10) / 10;

/** Draw every tether of the map after its links (it needs their curves); remove those no longer attached. */
export function drawTethers(view, positions) {
  const wanted = new Set();
  for (const link of view.links.values()) {
    const curve = linkEls.get(link.id)?.curve;
    if (!curve || !link.assumptions?.length) continue;
    const middle = pointAlong(curve, 0.5);
    for (const noteId of link.assumptions) {
      const at = positions.get(noteId);
      if (!at) continue;
      const key = `${link.id} ${noteId}`;
      wanted.add(key);
      const start = borderPoint({ x: at.x, y: at.y, ...noteSize(noteId) }, middle);
      const d = `M${r(start.x)} ${r(start.y)} L${r(middle.x)} ${r(middle.y)}`;
      let path = tethers.get(key);
      if (!path) {
        path = document.createElementNS(SVG_NS, "path");
        path.setAttribute("class", "tether");
        path.dataset.link = link.id;
        path.dataset.note = noteId;
        linksLayer.prepend(path); // under every arrow
        tethers.set(key, path);
      }
      if (path.getAttribute("d") !== d) path.setAttribute("d", d);
    }
  }
  for (const [key, path] of tethers) {
    if (!wanted.has(key)) { path.remove(); tethers.delete(key); }
  }
}
