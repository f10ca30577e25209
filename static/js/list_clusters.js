// The list view's groups: each cluster's notes under its name (rule P44), then the notes in no cluster under
// their kind. A note is in a cluster as the board decides (board/frames.js: its middle inside the frame, not
// private), each note in the first cluster that holds it; the list reckons every note at its usual size.

import { notesInside } from "./board/frames.js";
import { listBox } from "./list_forms.js";

/** [{key, cluster, notes}, …, {key, kind, notes}, …]; `order` sorts the notes within each group. */
export function groupNotes(view, kinds, order = (notes) => notes) {
  const placed = new Set();
  const groups = [];
  for (const cluster of view.clusters?.values() ?? []) {
    const ids = notesInside(cluster, view.notes.values(), listBox).filter((id) => !placed.has(id));
    for (const id of ids) placed.add(id);
    groups.push({ key: `cluster-${cluster.id}`, cluster, notes: order(ids.map((id) => view.notes.get(id))) });
  }
  const byKind = new Map(kinds.map((k) => [k.name, []]));
  for (const n of view.notes.values()) if (!placed.has(n.id)) byKind.get(n.kind)?.push(n);
  for (const kind of kinds) groups.push({ key: `kind-${kind.name}`, kind, notes: order(byKind.get(kind.name)) });
  return groups;
}
