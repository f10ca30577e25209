// Which notes a cluster's frame holds, and the frame that holds a set of notes (rule P44). Pure: no page, no
// socket, so that the board (board/clusters.js) and the list view (list_clusters.js) decide alike. Each passes
// how big a note is: the board as drawn and measured, the list (which draws no notes) at their usual size.

export const FRAME_PAD = 24;
export const FRAME_HEADER = 40; // room above the notes for the frame's name

/** Whether a note's middle lies inside a cluster's frame. */
export function centreInside(cluster, box) {
  const cx = box.x + box.w / 2, cy = box.y + box.h / 2;
  return cx >= cluster.x && cx <= cluster.x + cluster.width && cy >= cluster.y && cy <= cluster.y + cluster.height;
}

/** The ids of the notes in a cluster — those that move with it: middle inside the frame, and not private (P38). */
export function notesInside(cluster, notes, boxOf) {
  return [...notes].filter((n) => !n.private && centreInside(cluster, boxOf(n))).map((n) => n.id);
}

/** The frame {x, y, width, height} around these boxes, with room for its name above them; null for none. */
export function frameAround(boxes) {
  if (!boxes.length) return null;
  const x = Math.min(...boxes.map((b) => b.x)) - FRAME_PAD;
  const y = Math.min(...boxes.map((b) => b.y)) - FRAME_PAD - FRAME_HEADER;
  const width = Math.max(...boxes.map((b) => b.x + b.w)) + FRAME_PAD - x;
  const height = Math.max(...boxes.map((b) => b.y + b.h)) + FRAME_PAD - y;
  return { x, y, width, height };
}
