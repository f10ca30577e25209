// Arrows between notes. Each runs from border to border of the two notes' measured boxes; when two notes are
// linked both ways the two arrows bow apart instead of lying on top of each other. Labels live in a layer
// above the notes, each on a halo of the canvas colour, so a note never hides one; and each sits at the first
// place along its arrow, from the middle outwards, where it covers no note and no other label (the middle if
// there is none). A frame touches only the links whose ends, label or state changed, and places labels again
// only when something moved. User text only goes in through textContent.

import { SVG_NS, labelsLayer, linksLayer, ui } from "./context.js";
import { noteBox, noteSize } from "./sizes.js";
import { assumedOnly, confidenceOf, describeEvidence } from "../evidence_summary.js";

const looks = new WeakMap(); // link object -> its look: a changed link is a new object (live.js)

/** How a link is drawn from its evidence: dotted when it rests on assumption alone, thicker the surer people
 * are, marked when they disagree. */
function lookOf(link) {
  let look = looks.get(link);
  if (!look) {
    const c = confidenceOf(link), assumed = assumedOnly(link);
    const level = c.count ? String(Math.round(c.mean)) : "";
    look = { assumed, contested: c.contested, level, description: describeEvidence(link) };
    look.key = `${assumed} ${c.contested} ${level} ${look.description}`;
    looks.set(link, look);
  }
  return look;
}

export const linkEls = new Map(); // link id -> {g, hit, line, label, geometry, text, selected, pending}

const BEND = 0.2; // how far a two-way pair bows apart, as a share of the distance between the notes' centres
const BEND_MIN = 22, BEND_MAX = 70; // board px
// Where along an arrow a label may sit, best first: the middle, then outwards in steps of 5%.
const LABEL_SPOTS = [0.5];
for (let k = 1; k <= 8; k++) LABEL_SPOTS.push(0.5 - k * 0.05, 0.5 + k * 0.05);
const LABEL_GAP = 4; // board px kept clear around a label
const CELL = 256; // board px: the grid that finds the notes near a label

function centre(box) {
  return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
}

/** Where the ray from a box's centre towards a point leaves the box. */
export function borderPoint(box, toward) {
  const c = centre(box);
  const dx = toward.x - c.x, dy = toward.y - c.y;
  if (!dx && !dy) return c;
  const s = Math.min(dx ? box.w / 2 / Math.abs(dx) : Infinity, dy ? box.h / 2 / Math.abs(dy) : Infinity);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

/**
 * The arrow from box a to box b: a quadratic curve that leaves a's border and meets b's along the rays from
 * their centres through its control point (so it never starts or ends inside a note), straight unless `bent`.
 * Returns the path data and the curve's midpoint, where the label goes.
 */
export function arrowGeometry(a, b, bent) {
  const ca = centre(a), cb = centre(b);
  const mid = { x: (ca.x + cb.x) / 2, y: (ca.y + cb.y) / 2 };
  let control = mid;
  if (bent) {
    const dx = cb.x - ca.x, dy = cb.y - ca.y, length = Math.hypot(dx, dy) || 1;
    const offset = Math.min(BEND_MAX, Math.max(BEND_MIN, length * BEND));
    // To the left of the direction of travel: the arrow back, travelling the other way, bows to the other side.
    control = { x: mid.x + (dy / length) * offset, y: mid.y - (dx / length) * offset };
  }
  const start = borderPoint(a, control), end = borderPoint(b, control);
  const c = bent ? control : { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
  const r = (v) => Math.round(v * 10) / 10;
  return { d: `M${r(start.x)} ${r(start.y)} Q${r(c.x)} ${r(c.y)} ${r(end.x)} ${r(end.y)}`, curve: [start, c, end] };
}

/** A point along a quadratic curve. */
export function pointAlong([p0, p1, p2], t) {
  const u = 1 - t;
  return { x: u * u * p0.x + 2 * u * t * p1.x + t * t * p2.x, y: u * u * p0.y + 2 * u * t * p1.y + t * t * p2.y };
}

/**
 * Where a w × h label may sit on a curve, best first: centred on it from the middle outwards, then beside it
 * (touching it on either side), from the middle outwards.
 */
function* labelSpots(curve, w, h) {
  for (const t of LABEL_SPOTS) yield pointAlong(curve, t);
  const [p0, p1, p2] = curve;
  for (const t of LABEL_SPOTS) {
    const p = pointAlong(curve, t);
    const tx = 2 * (1 - t) * (p1.x - p0.x) + 2 * t * (p2.x - p1.x);
    const ty = 2 * (1 - t) * (p1.y - p0.y) + 2 * t * (p2.y - p1.y);
    const length = Math.hypot(tx, ty);
    if (!length) continue;
    const nx = -ty / length, ny = tx / length;
    const reach = Math.abs(nx) * w / 2 + Math.abs(ny) * h / 2; // from the box's centre to its edge, along n
    yield { x: p.x + nx * reach, y: p.y + ny * reach };
    yield { x: p.x - nx * reach, y: p.y - ny * reach };
  }
}

/** Boxes on the board, found by the grid cells they touch. */
class Boxes {
  constructor() { this.cells = new Map(); }

  *cellsOf(b) {
    for (let i = Math.floor(b.x / CELL); i <= Math.floor((b.x + b.w) / CELL); i++) {
      for (let j = Math.floor(b.y / CELL); j <= Math.floor((b.y + b.h) / CELL); j++) yield `${i} ${j}`;
    }
  }

  add(b) {
    for (const key of this.cellsOf(b)) {
      const list = this.cells.get(key);
      if (list) list.push(b); else this.cells.set(key, [b]);
    }
  }

  /** How much of a box the boxes already here cover (the overlaps summed). */
  cover(b) {
    let area = 0;
    const seen = new Set();
    for (const key of this.cellsOf(b)) {
      for (const o of this.cells.get(key) || []) {
        if (seen.has(o)) continue;
        seen.add(o);
        const w = Math.min(b.x + b.w, o.x + o.w) - Math.max(b.x, o.x);
        const h = Math.min(b.y + b.h, o.y + o.h) - Math.max(b.y, o.y);
        if (w > 0 && h > 0) area += w * h;
      }
    }
    return area;
  }
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Put labels where they cover no note and no other label, if their arrow has such a place: all of them, or
 * only those in `some` (the rest stay where they are, and are kept clear of).
 */
function placeLabels(positions, some = null) {
  const taken = new Boxes();
  for (const [id, at] of positions) taken.add(noteBox(id, at));
  const labelled = [...linkEls.values()].filter((parts) => parts.text && parts.curve);
  if (some) for (const parts of labelled) if (!some.has(parts) && parts.box) taken.add(parts.box);
  for (const parts of some ? labelled.filter((p) => some.has(p)) : labelled) {
    const w = parts.labelSize.w + 2 * LABEL_GAP, h = parts.labelSize.h + 2 * LABEL_GAP;
    // The first spot that covers nothing; failing that, the one that covers least.
    let best = null, bestCover = Infinity;
    for (const candidate of labelSpots(parts.curve, w, h)) {
      const box = { x: candidate.x - w / 2, y: candidate.y - h / 2, w, h };
      const cover = taken.cover(box);
      if (cover < bestCover) { best = box; bestCover = cover; }
      if (!cover) break;
    }
    taken.add(best);
    parts.box = best;
    const place = `translate(${Math.round(best.x + w / 2)}px, ${Math.round(best.y + h / 2)}px) translate(-50%, -50%)`;
    if (parts.place !== place) { parts.place = place; parts.label.style.transform = place; }
  }
}

/**
 * Draw the links of the map, given where each note is now (its drag position while dragged). `change` says what
 * happened to the notes since the last frame: `moved`, the ids of notes that moved; `reshaped`, whether notes
 * came, went or changed size; `everything`, whether labels must be measured again (fonts arrived). Labels are
 * all placed again when the map's shape changed, and only those near what moved when notes were dragged.
 */
export function drawLinks(view, positions, { moved = new Set(), reshaped = false, everything = false } = {}) {
  let all = reshaped || everything;
  const redrawn = new Set();
  const measureLabels = [];
  for (const [id, parts] of linkEls) {
    if (!view.links.has(id)) { parts.g.remove(); parts.label.remove(); linkEls.delete(id); all = true; }
  }
  const pairs = new Set();
  for (const link of view.links.values()) pairs.add(`${link.source} ${link.target}`);
  for (const link of view.links.values()) {
    const a = positions.get(link.source), b = positions.get(link.target);
    if (!a || !b) continue;
    let parts = linkEls.get(link.id);
    if (!parts) { parts = makeLink(link.id); linkEls.set(link.id, parts); all = true; }
    const sa = noteSize(link.source), sb = noteSize(link.target);
    const bent = pairs.has(`${link.target} ${link.source}`);
    const geometry = `${a.x},${a.y},${sa.w},${sa.h},${b.x},${b.y},${sb.w},${sb.h},${bent}`;
    if (parts.geometry !== geometry) {
      parts.geometry = geometry;
      const arrow = arrowGeometry({ x: a.x, y: a.y, ...sa }, { x: b.x, y: b.y, ...sb }, bent);
      parts.hit.setAttribute("d", arrow.d);
      parts.line.setAttribute("d", arrow.d);
      parts.curve = arrow.curve;
      redrawn.add(parts);
    }
    const text = lookOf(link).contested ? `⚖ ${link.label}`.trim() : link.label; // a contested link says so
    if (parts.text !== text) {
      parts.text = text;
      parts.label.textContent = text;
      parts.label.title = text;
      parts.label.hidden = !text;
      if (text) measureLabels.push(parts);
      all = true;
    } else if (everything && text) {
      measureLabels.push(parts);
    }
    const look = lookOf(link);
    if (parts.look !== look.key) { // how well supported, at a glance (rule P46)
      parts.look = look.key;
      parts.g.classList.toggle("assumed", look.assumed);
      parts.g.classList.toggle("contested", look.contested);
      parts.g.dataset.confidence = look.level;
      parts.g.dataset.evidence = look.description;
    }
    const selected = ui.selectedLink === link.id, pending = Boolean(link.pending);
    if (parts.selected !== selected) {
      parts.selected = selected;
      parts.g.classList.toggle("selected", selected);
      parts.label.classList.toggle("selected", selected);
    }
    if (parts.pending !== pending) {
      parts.pending = pending;
      parts.g.classList.toggle("pending", pending);
    }
  }
  for (const parts of measureLabels) parts.labelSize = { w: parts.label.offsetWidth, h: parts.label.offsetHeight };
  if (all) { placeLabels(positions); return; }
  if (!redrawn.size && !moved.size) return;
  // Notes were dragged: place again the labels of their links, and any label a moved note now lies on.
  const movedBoxes = [...moved].map((id) => noteBox(id, positions.get(id)));
  for (const parts of linkEls.values()) {
    if (parts.box && movedBoxes.some((b) => overlaps(b, parts.box))) redrawn.add(parts);
  }
  placeLabels(positions, redrawn);
}

function makeLink(id) {
  const g = document.createElementNS(SVG_NS, "g");
  g.setAttribute("class", "link");
  g.dataset.id = id;
  // Focusable, but not in the Tab order: reached from its notes with A (board/keyboard.js), or by pointer.
  g.setAttribute("tabindex", "-1");
  g.setAttribute("role", "button");
  g.setAttribute("aria-roledescription", "arrow");
  g.setAttribute("aria-label", "Arrow"); // its ends and label are named when it gets focus
  const hit = document.createElementNS(SVG_NS, "path");
  hit.setAttribute("class", "link-hit");
  const line = document.createElementNS(SVG_NS, "path");
  line.setAttribute("class", "link-line");
  line.setAttribute("marker-end", "url(#arrowhead)");
  g.append(hit, line);
  linksLayer.append(g);
  // The label is a target for the pointer (it focuses its arrow); the arrow itself takes the keyboard.
  const label = document.createElement("div");
  label.className = "link-label";
  label.dataset.id = id;
  label.hidden = true;
  labelsLayer.append(label);
  return {
    id, g, hit, line, label, geometry: null, curve: null, text: null, labelSize: { w: 0, h: 0 }, box: null,
    place: null, selected: false, pending: false, look: null,
  };
}
