// The camera over the board: pan, zoom around a point, fit the map, and screen ↔ board coordinates.

import { NOTE_H, NOTE_W, canvas, live, world } from "./context.js";

export const camera = { x: 40, y: 40, zoom: 1 };

export function applyCamera() {
  world.style.transform = `translate(${camera.x}px, ${camera.y}px) scale(${camera.zoom})`;
}

/** A point on the screen as a point on the board. */
export function toBoard(clientX, clientY) {
  const r = canvas.getBoundingClientRect();
  return { x: (clientX - r.left - camera.x) / camera.zoom, y: (clientY - r.top - camera.y) / camera.zoom };
}

/** Zoom by `factor`, keeping the board point under (px, py) — canvas coordinates — where it is. */
export function zoomAround(px, py, factor) {
  const zoom = Math.min(2.5, Math.max(0.2, camera.zoom * factor));
  camera.x = px - (px - camera.x) * (zoom / camera.zoom);
  camera.y = py - (py - camera.y) * (zoom / camera.zoom);
  camera.zoom = zoom;
  applyCamera();
}

/** Show the whole map. */
export function fit() {
  const notes = [...(live.view()?.notes.values() || [])];
  if (!notes.length) return;
  const minX = Math.min(...notes.map((n) => n.x)), minY = Math.min(...notes.map((n) => n.y));
  const maxX = Math.max(...notes.map((n) => n.x)) + NOTE_W, maxY = Math.max(...notes.map((n) => n.y)) + NOTE_H;
  const zoom = Math.min(1.5, Math.max(0.2, Math.min(canvas.clientWidth / (maxX - minX + 80), canvas.clientHeight / (maxY - minY + 80))));
  Object.assign(camera, { zoom, x: 40 - minX * zoom, y: 40 - minY * zoom });
  applyCamera();
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
}
