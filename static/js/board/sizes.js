// Each note's size as drawn. Notes grow with their text (between the limits the stylesheet sets), so arrows,
// fitting, free spots and hit-testing read every note's measured size instead of one constant. A note is
// measured when what it shows changes (text, kind, the end of an edit) and once fonts are ready — never per
// frame, and all of a frame's notes in one layout pass.

import { NOTE_H, NOTE_W } from "./context.js";

const sizes = new Map(); // note id -> {w, h} in board pixels, as laid out with the text clamped
let everything = false;

/** The size of a note, or the size a note has before it is measured. */
export function noteSize(id) {
  return sizes.get(id) || { w: NOTE_W, h: NOTE_H };
}

/** A note's box on the board at a position. */
export function noteBox(id, at) {
  const { w, h } = noteSize(id);
  return { x: at.x, y: at.y, w, h };
}

/** Ask for every note to be measured again at the next frame (fonts arrived, the stylesheet changed). */
export function measureEverything() {
  everything = true;
}

/** Whether the next frame must measure every note; asking clears it. */
export function takeMeasureEverything() {
  const all = everything;
  everything = false;
  return all;
}

/**
 * Measure these note elements as they look at rest: a hovered or focused note shows all its text, but arrows
 * keep to its usual size. Writes first, then all reads, so the browser lays out once. True if a size changed.
 */
export function measure(elements) {
  if (!elements.length) return false;
  for (const el of elements) el.classList.add("measuring");
  let changed = false;
  for (const el of elements) {
    const w = el.offsetWidth, h = el.offsetHeight;
    if (!w || !h) continue; // not laid out (hidden): keep what we had
    const before = sizes.get(el.dataset.id);
    if (!before || before.w !== w || before.h !== h) { sizes.set(el.dataset.id, { w, h }); changed = true; }
  }
  for (const el of elements) el.classList.remove("measuring");
  return changed;
}

/** Forget a deleted note's size. */
export function forget(id) {
  sizes.delete(id);
}
