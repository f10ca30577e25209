// What a pathway is in the browser, as server/board/pathways.py says it (rule P48): a simple chain of links from a
// note of the vote's start kind to one of its end kind, named by its notes' ids joined by ">". Pure: no page, no
// socket, so that the board (board/pathway_votes.js) and the list view (list_pathway_votes.js) list them alike.

const MAX_PATH_LENGTH = 12; // notes in one pathway: server/board/pathways.py MAX_PATH_LENGTH
const MAX_LISTED = 50; // pathways listed into one note, as the report lists at most 50 into an impact
const MAX_STEPS = 20000; // search steps for one list, so that a dense map cannot stall the page

/** Pathways into note `endId` that start at a note of kind `startKind`, each an array of note ids: simple chains
 *  of at most MAX_PATH_LENGTH notes through notes everyone may see, shortest first; at most MAX_LISTED. */
export function pathwaysInto(view, endId, startKind) {
  const into = new Map(); // note id -> the notes that link to it
  for (const l of view.links.values()) {
    if (!into.has(l.target)) into.set(l.target, []);
    into.get(l.target).push(l.source);
  }
  const found = [], path = [endId], on = new Set(path);
  let steps = 0;
  const walk = () => {
    for (const before of into.get(path.at(-1)) ?? []) {
      if (found.length >= MAX_LISTED || ++steps > MAX_STEPS) return;
      const note = view.notes.get(before);
      if (on.has(before) || !note || note.private) continue;
      path.push(before); on.add(before);
      if (note.kind === startKind) found.push([...path].reverse());
      if (path.length < MAX_PATH_LENGTH) walk();
      path.pop(); on.delete(before);
    }
  };
  if (view.notes.has(endId)) walk();
  return found.sort((a, b) => a.length - b.length || a.join(">").localeCompare(b.join(">")));
}

/** A pathway by its notes' text, "A → B → C"; a note deleted since as "(deleted since)". */
export function named(view, key) {
  return key.split(">").map((id) => view.notes.get(id)?.text ?? "(deleted since)").join(" → ");
}
