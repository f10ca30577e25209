// Where notes go when they are aligned, distributed or snapped: pure functions of positions and sizes, no DOM.
// Each returns new top-left corners for the board to send as one `notes.arrange` (one undo step).

export const GRID = 24; // the board's dotted grid, in board pixels

/** A position on the grid's nearest point. */
export function snap(x, y, grid = GRID) {
  return { x: Math.round(x / grid) * grid, y: Math.round(y / grid) * grid };
}

/** Every box's left (or top) edge on the leftmost (topmost) one's. boxes: [{id, x, y, w, h}]. */
export function align(boxes, edge) {
  const key = edge === "left" ? "x" : "y";
  const to = Math.min(...boxes.map((b) => b[key]));
  return boxes.map((b) => ({ id: b.id, x: b.x, y: b.y, [key]: to }));
}

/**
 * Equal gaps between boxes along one axis ("across": left to right, "down": top to bottom), the first and last
 * staying where they are. When they do not fit between those two, they are laid edge to edge, 16 px apart.
 */
export function distribute(boxes, axis) {
  const [pos, size] = axis === "across" ? ["x", "w"] : ["y", "h"];
  const sorted = [...boxes].sort((a, b) => a[pos] - b[pos] || a.id.localeCompare(b.id));
  const first = sorted[0], last = sorted[sorted.length - 1];
  const span = last[pos] + last[size] - first[pos];
  const filled = sorted.reduce((sum, b) => sum + b[size], 0);
  const gap = Math.max(16, (span - filled) / (sorted.length - 1));
  let at = first[pos];
  return sorted.map((b) => {
    const out = { id: b.id, x: b.x, y: b.y, [pos]: Math.round(at) };
    at += b[size] + gap;
    return out;
  });
}
