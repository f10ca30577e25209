// Clusters (rule P44): named frames behind the notes. Selected notes get a frame around them (Cluster, in the
// facilitator's tidy tools); dragging a frame's name moves it with the notes inside it, as one change; its name
// is a button: Enter or double-click renames it, Delete removes the frame (the notes stay). Each is a step Undo takes back.

import { live, root } from "./context.js";
import { say } from "./panels.js";
import { noteEls } from "./render.js";
import { noteBox } from "./sizes.js";
import { perform } from "./undo.js";
import { camera } from "./viewport.js";
import { frameAround as frameOf, notesInside } from "./frames.js";
import { newId } from "../live.js";

const layer = root.querySelector("[data-clusters]");
const frames = new Map(); // cluster id -> its element

/** A new cluster framing these notes, named by the person. */
export function frameAround(ids) {
  const view = live.view();
  const boxes = ids.filter((id) => view.notes.has(id)).map((id) => noteBox(id, view.notes.get(id)));
  if (!boxes.length) return;
  const label = prompt("Name this cluster", "")?.trim();
  if (!label) return;
  perform("cluster.add", { id: newId("c"), label: label.slice(0, 200), ...frameOf(boxes) });
  say(`Cluster “${label}” drawn around ${boxes.length} note${boxes.length > 1 ? "s" : ""}.`);
}

/** The notes whose middle lies inside a cluster's frame: they move with it. */
function inside(cluster) {
  return notesInside(cluster, live.view().notes.values(), (n) => noteBox(n.id, n));
}

function render() {
  const clusters = live.view()?.clusters ?? new Map();
  for (const [id, el] of frames) if (!clusters.has(id)) { el.remove(); frames.delete(id); }
  for (const c of clusters.values()) {
    let el = frames.get(c.id);
    if (!el) {
      el = document.createElement("div");
      el.className = "cluster";
      el.dataset.id = c.id;
      const name = Object.assign(document.createElement("button"), { type: "button", className: "cluster-label" });
      name.setAttribute("aria-keyshortcuts", "Enter Delete");
      el.append(name);
      layer.append(el);
      frames.set(c.id, el);
    }
    if (el.dataset.dragging) continue;
    el.style.transform = `translate(${c.x}px, ${c.y}px)`;
    el.style.width = `${c.width}px`;
    el.style.height = `${c.height}px`;
    const name = el.querySelector(".cluster-label");
    name.textContent = c.label;
    name.setAttribute("aria-label", `Cluster ${c.label}: drag to move it with its notes; Enter renames, Delete removes the frame`);
  }
}

function rename(id) {
  const cluster = live.view().clusters.get(id);
  const label = prompt("Rename the cluster", cluster.label)?.trim();
  if (label && label !== cluster.label) perform("cluster.update", { id, label: label.slice(0, 200) });
}

function remove(id) {
  perform("cluster.delete", { id }); // the toast offers Undo
}

function startDrag(e, el) {
  const id = el.dataset.id, cluster = live.view().clusters.get(id);
  const members = inside(cluster);
  const start = { x: e.clientX, y: e.clientY };
  let dx = 0, dy = 0;
  el.dataset.dragging = "1";
  el.setPointerCapture(e.pointerId);
  const move = (ev) => {
    dx = (ev.clientX - start.x) / camera.zoom; dy = (ev.clientY - start.y) / camera.zoom;
    el.style.transform = `translate(${cluster.x + dx}px, ${cluster.y + dy}px)`;
    for (const nid of members) {
      const n = live.view().notes.get(nid), noteEl = noteEls.get(nid);
      if (n && noteEl) noteEl.style.transform = `translate(${n.x + dx}px, ${n.y + dy}px)`;
    }
  };
  const up = () => {
    el.removeEventListener("pointermove", move);
    el.removeEventListener("pointerup", up);
    delete el.dataset.dragging;
    if (Math.abs(dx) + Math.abs(dy) > 2) {
      perform("cluster.update", { id, x: Math.round(cluster.x + dx), y: Math.round(cluster.y + dy), notes: members });
    } else render();
  };
  el.addEventListener("pointermove", move);
  el.addEventListener("pointerup", up);
}

export function listenForClusters() {
  if (!layer) return;
  live.addEventListener("change", render);
  layer.addEventListener("pointerdown", (e) => {
    const name = e.target.closest(".cluster-label");
    if (!name || e.button !== 0 || live.locked) return;
    e.stopPropagation(); // not a pan of the board
    startDrag(e, name.closest(".cluster"));
  });
  layer.addEventListener("dblclick", (e) => {
    const name = e.target.closest(".cluster-label");
    if (name) { e.stopPropagation(); rename(name.closest(".cluster").dataset.id); }
  });
  layer.addEventListener("keydown", (e) => {
    const name = e.target.closest(".cluster-label");
    if (!name || e.ctrlKey || e.metaKey) return; // Ctrl+Z and the like are the whole board's
    e.stopPropagation(); // the board's own keys for a focused note are not for a frame
    if (e.key === "Enter") { e.preventDefault(); rename(name.closest(".cluster").dataset.id); }
    if (e.key === "Delete") { e.preventDefault(); remove(name.closest(".cluster").dataset.id); }
  });

}
