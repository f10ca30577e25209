// Where a new note goes: as near as can be to where the person asked for it (the middle of their screen, or
// where they double-clicked), inside what their screen shows, and never on top of another note — room is left
// for the note to grow to its largest size as its text is typed.

import { NOTE_H, NOTE_W, live } from "./context.js";
import { noteSize } from "./sizes.js";
import { showRegion, visibleRegion } from "./viewport.js";

const GAP = 16; // between notes
const LARGEST = { w: 240, h: 150 }; // a note's size with the most text it shows (static/css/app.css)
const RINGS = 40; // how far out to look, in steps

/**
 * The free top-left corner nearest to a new note centred on board point (cx, cy) — looked for a note's size
 * apart with `grid`, else in small steps. When the screen has no room left, the nearest free place beyond it,
 * and the view widens to show it. `within` ({x, width}): only where a note fits between those edges (a lane),
 * if anywhere near.
 */
export function freePlace(cx, cy, { grid = false, within = null } = {}) {
  const view = visibleRegion();
  const inLane = within ? (x) => x >= within.x && x + LARGEST.w <= within.x + within.width : () => true;
  const inView = (x, y) => inLane(x) && x >= view.x && y >= view.y
    && x + LARGEST.w <= view.x + view.width && y + LARGEST.h <= view.y + view.height;
  const roomy = view.width >= LARGEST.w && view.height >= LARGEST.h;
  const steps = grid ? { x: NOTE_W + 24, y: NOTE_H + 24 } : null; // a note's width or height apart, or finer
  const found = nearest(cx, cy, view, steps, roomy ? inView : inLane) || nearest(cx, cy, view, steps, inLane)
    || nearest(cx, cy, view, steps, () => true);
  if (found && !inView(found.x, found.y) && roomy) {
    const x = Math.min(view.x, found.x), y = Math.min(view.y, found.y);
    const width = Math.max(view.x + view.width, found.x + LARGEST.w + GAP) - x;
    const height = Math.max(view.y + view.height, found.y + LARGEST.h + GAP) - y;
    showRegion({ x, y, width, height });
  }
  if (found) return found;
  // Nowhere free near: beside everything, to the right, rather than on top of a note.
  const right = Math.max(...notesNow().map((n) => n.x + n.w), cx);
  return { x: Math.round(right + GAP), y: Math.round(cy - NOTE_H / 2) };
}

function notesNow() {
  return [...(live.view()?.notes.values() || [])].map((n) => ({ x: n.x, y: n.y, ...noteSize(n.id) }));
}

function nearest(cx, cy, view, steps, allowed) {
  const notes = notesNow();
  const free = (x, y) => notes.every((n) => x >= n.x + n.w + GAP || n.x >= x + LARGEST.w + GAP
    || y >= n.y + n.h + GAP || n.y >= y + LARGEST.h + GAP);
  const x0 = Math.round(cx - NOTE_W / 2), y0 = Math.round(cy - NOTE_H / 2);
  const fine = Math.max(24, Math.round(Math.max(view.width, view.height) / (2 * RINGS)));
  const step = steps || { x: fine, y: fine };
  for (let ring = 0; ring <= RINGS; ring++) {
    let best = null, bestDistance = Infinity;
    for (let dx = -ring; dx <= ring; dx++) {
      for (let dy = -ring; dy <= ring; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const x = x0 + dx * step.x, y = y0 + dy * step.y;
        const distance = dx * dx + dy * dy;
        if (distance < bestDistance && allowed(x, y) && free(x, y)) {
          if (steps) return { x, y }; // on the coarse grid, the first free place round the ring, as ever
          best = { x, y }; bestDistance = distance;
        }
      }
    }
    if (best) return best;
  }
  return null;
}
