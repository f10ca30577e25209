// What every part of the board shares: the page's elements, the palette, the protocol client, what is
// selected, and the one way to ask for a redraw. No behaviour lives here.

import { Live } from "../live.js";

// A note's size before it is drawn and measured (a new note, a draft): real sizes come from board/sizes.js.
export const NOTE_W = 200;
export const NOTE_H = 120;
export const SVG_NS = "http://www.w3.org/2000/svg";

export const root = document.querySelector("[data-board]");
export const kinds = JSON.parse(root.dataset.kinds);
export const kindOf = new Map(kinds.map((k) => [k.name, k]));
export const live = new Live({ workshopId: root.dataset.workshop, me: root.dataset.me });
export const isFacilitator = root.dataset.role === "facilitator";

export const canvas = root.querySelector("[data-canvas]");
export const world = root.querySelector("[data-world]");
export const notesLayer = root.querySelector("[data-notes]");
export const linksLayer = root.querySelector("[data-links]");
export const labelsLayer = root.querySelector("[data-link-labels]");
export const kindPicker = root.querySelector("[data-new-kind]");
export const status = root.querySelector("[data-status]");

// What this person has in hand: the selected arrow, the note a keyboard link starts from, the note being edited.
export const ui = { selectedLink: null, linkFrom: null, editing: null, panelsDirty: true, actingFor: null };

let draw = () => {};
let queued = false;

/** Called once by the renderer: what a queued redraw runs. */
export function setRenderer(fn) {
  draw = fn;
}

/** Redraw at the next animation frame (many changes in one frame cost one redraw). */
export function queueRender() {
  if (!queued) {
    queued = true;
    requestAnimationFrame(() => { queued = false; draw(); });
  }
}

/** The map or the people changed: redraw the board and the side panels. */
export function changedBoard() {
  ui.panelsDirty = true;
  queueRender();
}
