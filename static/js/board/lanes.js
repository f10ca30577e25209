// Lanes (rule P45): the template's columns — activities, outputs, outcomes, impacts — drawn behind everything,
// each labelled at its top. The server lays them out; this draws them tall enough for every note on the board,
// and tells where a new note of a kind belongs (board/editing.js).

import { live, root } from "./context.js";

const layer = root.querySelector("[data-lanes]");
const MARGIN = 240; // board pixels above the highest note and below the lowest
const MIN_HEIGHT = 1200;
let drawn = "";

/** The lane a note of this kind belongs in, or null. */
export function laneFor(kind) {
  return (live.view()?.lanes ?? []).find((lane) => lane.kinds.includes(kind)) ?? null;
}

/** The board region the lanes cover, from their labels down to below the lowest note; null without lanes. */
export function lanesRegion() {
  const view = live.view();
  const lanes = view?.lanes ?? [];
  if (!lanes.length) return null;
  let top = 0, bottom = MIN_HEIGHT;
  for (const n of view.notes.values()) { top = Math.min(top, n.y); bottom = Math.max(bottom, n.y + 200); }
  const right = Math.max(...lanes.map((lane) => lane.x + lane.width)), left = Math.min(...lanes.map((lane) => lane.x));
  return { x: left, y: top - MARGIN, width: right - left, height: bottom - top + 2 * MARGIN };
}

function render() {
  const lanes = live.view()?.lanes ?? [];
  const region = lanesRegion();
  const top = region?.y ?? 0, bottom = top + (region?.height ?? 0);
  const key = JSON.stringify([lanes, top, bottom]);
  if (key === drawn) return; // most changes move no note past the lanes' ends
  drawn = key;
  layer.replaceChildren(...lanes.map((lane, i) => {
    const el = document.createElement("section");
    el.className = `lane${i % 2 ? " lane-odd" : ""}`;
    el.style.transform = `translate(${lane.x}px, ${top}px)`;
    el.style.width = `${lane.width}px`;
    el.style.height = `${bottom - top}px`;
    const label = Object.assign(document.createElement("h2"), { className: "lane-label", textContent: lane.label });
    el.append(label);
    return el;
  }));
  root.classList.toggle("has-lanes", lanes.length > 0);
}

export function listenForLanes() {
  if (!layer) return;
  live.addEventListener("change", render);
  render();
}
