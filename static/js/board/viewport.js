// The camera over the board: pan, zoom around a point, fit the map or a region, and screen ↔ board coordinates.
// Every camera change is announced to its watchers with where it came from ("person" unless said otherwise), so
// that following the facilitator's view can tell a person's own pan or zoom from a followed one.

import { canvas, live, world } from "./context.js";
import { noteBox } from "./sizes.js";
import { lanesRegion } from "./lanes.js";

export const camera = { x: 40, y: 40, zoom: 1 };
const cameraWatchers = [];

/** Run `fn(origin)` after every camera change: "person", "follow" (a followed shared view) or "auto". */
export function onCameraChange(fn) {
  cameraWatchers.push(fn);
}

const MIN_ZOOM = 0.05, MAX_ZOOM = 4; // a shared view from a big screen may need far less than a phone's 1:5
const FIT_MAX_ZOOM = 1.5; // a small map is not blown up beyond this
const MARGIN = 40; // screen px around a fitted map or region
const FIRST_ROWS = 700; // board px of an empty board with lanes shown: their names and room for the first notes

export function applyCamera(origin = "person") {
  world.style.transform = `translate(${camera.x}px, ${camera.y}px) scale(${camera.zoom})`;
  for (const fn of cameraWatchers) fn(origin);
}

/** A point on the screen as a point on the board. */
export function toBoard(clientX, clientY) {
  const r = canvas.getBoundingClientRect();
  return { x: (clientX - r.left - camera.x) / camera.zoom, y: (clientY - r.top - camera.y) / camera.zoom };
}

/** Zoom by `factor`, keeping the board point under (px, py) — canvas coordinates — where it is. */
export function zoomAround(px, py, factor) {
  const zoom = Math.min(2.5, Math.max(Math.min(0.2, camera.zoom), camera.zoom * factor));
  camera.x = px - (px - camera.x) * (zoom / camera.zoom);
  camera.y = py - (py - camera.y) * (zoom / camera.zoom);
  camera.zoom = zoom;
  applyCamera();
}

/** The region of the board the canvas shows now, in board coordinates. */
export function visibleRegion() {
  return {
    x: -camera.x / camera.zoom, y: -camera.y / camera.zoom,
    width: canvas.clientWidth / camera.zoom, height: canvas.clientHeight / camera.zoom,
  };
}

/** Show a board region as large as the canvas allows, centred; `margin` screen px are left around it. */
export function showRegion(region, { origin = "person", margin = 0, maxZoom = MAX_ZOOM } = {}) {
  const w = Math.max(1, canvas.clientWidth - 2 * margin), h = Math.max(1, canvas.clientHeight - 2 * margin);
  const zoom = Math.min(maxZoom, Math.max(MIN_ZOOM, Math.min(w / region.width, h / region.height)));
  camera.zoom = zoom;
  camera.x = canvas.clientWidth / 2 - (region.x + region.width / 2) * zoom;
  camera.y = canvas.clientHeight / 2 - (region.y + region.height / 2) * zoom;
  applyCamera(origin);
}

/** The smallest region holding these notes, at their measured sizes. */
export function regionOf(notes) {
  const boxes = notes.map((n) => noteBox(n.id, n));
  const minX = Math.min(...boxes.map((b) => b.x)), minY = Math.min(...boxes.map((b) => b.y));
  const maxX = Math.max(...boxes.map((b) => b.x + b.w)), maxY = Math.max(...boxes.map((b) => b.y + b.h));
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Show the whole map. */
export function fit(origin = "person") {
  const notes = [...(live.view()?.notes.values() || [])];
  const lanes = lanesRegion();
  if (!notes.length && !lanes) return;
  let region = notes.length ? regionOf(notes) : null;
  if (lanes) { // the lanes' names are in view too, over the notes, or alone on an empty board
    const top = lanes.y, bottom = region ? region.y + region.height : top + FIRST_ROWS;
    const left = Math.min(lanes.x, region?.x ?? lanes.x);
    const right = Math.max(lanes.x + lanes.width, region ? region.x + region.width : -Infinity);
    region = { x: left, y: top, width: right - left, height: bottom - top };
  }
  showRegion(region, { origin, margin: MARGIN, maxZoom: FIT_MAX_ZOOM });
}

/** Drag the empty canvas to pan. */
export function startPan(e) {
  const start = { x: e.clientX - camera.x, y: e.clientY - camera.y };
  canvas.setPointerCapture(e.pointerId);
  canvas.classList.add("panning");
  const move = (ev) => { camera.x = ev.clientX - start.x; camera.y = ev.clientY - start.y; applyCamera(); };
  const up = () => {
    canvas.classList.remove("panning");
    canvas.removeEventListener("pointermove", move);
    canvas.removeEventListener("pointerup", up);
  };
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
}

/** The wheel zooms around the pointer. */
export function listenForWheel() {
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    zoomAround(e.clientX - r.left, e.clientY - r.top, Math.exp(-e.deltaY * 0.0015));
  }, { passive: false });
  // The canvas clips, but a browser still scrolls it to show a focused note or button that sticks out, and
  // then the board's own buttons (positioned in the canvas) scroll away with it. The camera moves the board:
  // the canvas itself never scrolls; the scroll it was given becomes a pan instead.
  canvas.addEventListener("scroll", () => {
    const { scrollLeft: dx, scrollTop: dy } = canvas;
    if (!dx && !dy) return;
    canvas.scrollLeft = 0;
    canvas.scrollTop = 0;
    camera.x -= dx;
    camera.y -= dy;
    applyCamera("person");
  });
}
