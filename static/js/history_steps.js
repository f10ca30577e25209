// What each kind of undoable step is: how a change becomes a step (stepFor), which operation undoes or redoes
// it (operationFor), and what it is called (describe). The machinery that keeps the steps and learns from the
// server's answers is ../history.js; no DOM here either.

const NOTE_FIELDS = ["text", "kind", "colour"];
const FRAME_FIELDS = ["label", "x", "y", "width", "height"];

export function short(text) {
  const line = String(text || "").split("\n")[0].trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

function restoredLink(l) {
  const out = { id: l.id, source: l.source, target: l.target, label: l.label || "" };
  if (l.author) out.author = l.author;
  if (Number.isInteger(l.created_at)) out.created_at = l.created_at;
  return out;
}

function restoredNote(n, links) {
  const out = { id: n.id, kind: n.kind, text: n.text, x: n.x, y: n.y, links: links.map(restoredLink) };
  if (n.colour) out.colour = n.colour;
  if (n.author) out.author = n.author;
  if (Number.isInteger(n.created_at)) out.created_at = n.created_at;
  return out;
}

function linkTitle(l, notes) {
  const a = notes.get(l.source), b = notes.get(l.target);
  return `${short(a?.text) || "?"} → ${short(b?.text) || "?"}`;
}

function frameOf(c) {
  return { label: c.label, x: c.x, y: c.y, width: c.width, height: c.height };
}

/** What a step is called in messages and on the buttons' labels. */
export function describe(step) {
  const name = `“${step.title}”`;
  switch (step.type) {
    case "add": return `adding ${name}`;
    case "edit": return step.after.text !== undefined ? `editing ${name}` : `changing the kind of ${name}`;
    case "move": return `moving ${name}`;
    case "delete": return `deleting ${name}`;
    case "link": return `linking ${name}`;
    case "label": return `labelling the link ${name}`;
    case "unlink": return `deleting the link ${name}`;
    case "arrange": return `arranging ${step.title}`;
    case "merge": return `merging into ${name}`;
    case "cluster": return `drawing the cluster ${name}`;
    case "uncluster": return `removing the cluster ${name}`;
    case "reframe": return step.after.label !== undefined ? `renaming the cluster ${name}` : `moving the cluster ${name}`;
    default: return "the last change";
  }
}

/** The step a change makes, or null when it is none this person can undo; `view` is the map before it. */
export function stepFor(op, f, view) {
  const notes = view?.notes || new Map(), links = view?.links || new Map(), clusters = view?.clusters || new Map();
  const note = notes.get(f.id), link = links.get(f.id), cluster = clusters.get(f.id);
  const base = { target: f.id };
  switch (op) {
    case "note.add":
      return { ...base, type: "add", title: short(f.text), note: { ...f } };
    case "note.update": {
      if (!note) return null;
      const after = {}, before = {};
      for (const k of NOTE_FIELDS) if (f[k] !== undefined) { after[k] = f[k]; before[k] = note[k] ?? null; }
      return { ...base, type: "edit", title: short(note.text), before, after };
    }
    case "note.move":
      if (!note) return null;
      return { ...base, type: "move", title: short(note.text), before: { x: note.x, y: note.y }, after: { x: f.x, y: f.y } };
    case "note.delete": {
      if (!note) return null;
      const attached = [...links.values()].filter((l) => l.source === f.id || l.target === f.id);
      return { ...base, type: "delete", title: short(note.text), note: { ...note }, links: attached.map((l) => ({ ...l })) };
    }
    case "link.add":
      return { ...base, type: "link", title: linkTitle(f, notes), link: { ...f } };
    case "link.update":
      if (!link) return null;
      return { ...base, type: "label", title: linkTitle(link, notes), before: { label: link.label }, after: { label: f.label } };
    case "link.delete":
      if (!link) return null;
      return { ...base, type: "unlink", title: linkTitle(link, notes), link: { ...link } };
    case "notes.arrange": {
      const moved = f.moves.filter((m) => notes.has(m.id));
      if (!moved.length) return null;
      const title = moved.length === 1 ? `“${short(notes.get(moved[0].id).text)}”` : `${moved.length} notes`;
      return {
        target: null, type: "arrange", title,
        before: moved.map((m) => ({ id: m.id, x: notes.get(m.id).x, y: notes.get(m.id).y })),
        after: moved.map((m) => ({ id: m.id, x: m.x, y: m.y })),
      };
    }
    case "notes.merge": // undone by notes.unmerge, which puts the merged notes and their links back (P43)
      if (!notes.has(f.into)) return null;
      return { target: f.into, type: "merge", title: short(notes.get(f.into).text), notes: [...f.notes] };
    case "cluster.add":
      return { ...base, type: "cluster", title: short(f.label), frame: frameOf(f) };
    case "cluster.delete":
      if (!cluster) return null;
      return { ...base, type: "uncluster", title: short(cluster.label), frame: frameOf(cluster) };
    case "cluster.update": {
      if (!cluster) return null;
      const after = {}, before = {};
      for (const k of FRAME_FIELDS) if (f[k] !== undefined) { after[k] = f[k]; before[k] = cluster[k]; }
      // Undoing a move takes the same notes back with the frame.
      return { ...base, type: "reframe", title: short(cluster.label), before, after, notes: [...(f.notes || [])] };
    }
    default:
      return null;
  }
}

/**
 * The operation that undoes or redoes a step, expecting the versions this person left things at. A cluster's
 * id is never used again once deleted (P10), so a cluster brought back gets a new one, from `newId`.
 */
export function operationFor(step, dir, versions, newId) {
  const back = dir === "undo";
  const expect = versions[step.target] !== undefined ? { expect: versions[step.target] } : {};
  switch (step.type) {
    case "add":
      return back
        ? ["note.delete", { id: step.target, ...expect, expect_links: [] }]
        : ["note.restore", restoredNote(step.note, [])];
    case "delete":
      return back
        ? ["note.restore", restoredNote(step.note, step.links)]
        : ["note.delete", { id: step.target, ...expect, expect_links: step.restoredLinks || [] }];
    case "edit":
      return ["note.update", { id: step.target, ...(back ? step.before : step.after), ...expect }];
    case "move":
      return ["note.move", { id: step.target, ...(back ? step.before : step.after), ...expect }];
    case "link":
      return back ? ["link.delete", { id: step.target, ...expect }] : ["link.restore", restoredLink(step.link)];
    case "unlink":
      return back ? ["link.restore", restoredLink(step.link)] : ["link.delete", { id: step.target, ...expect }];
    case "label":
      return ["link.update", { id: step.target, ...(back ? step.before : step.after), ...expect }];
    case "arrange": // one batch, so one undo puts every note back (rule P35)
      return ["notes.arrange", { moves: (back ? step.before : step.after).map((p) => ({ ...p, expect: versions[p.id] })) }];
    case "merge":
      return back
        ? ["notes.unmerge", { id: step.target, ...expect }]
        : ["notes.merge", { into: step.target, notes: step.notes, ...expect }];
    case "cluster":
      return back
        ? ["cluster.delete", { id: step.target, ...expect }]
        : ["cluster.add", { id: newId("c"), ...step.frame }];
    case "uncluster":
      return back
        ? ["cluster.add", { id: newId("c"), ...step.frame }]
        : ["cluster.delete", { id: step.target, ...expect }];
    case "reframe":
      return ["cluster.update", { id: step.target, ...(back ? step.before : step.after), notes: step.notes, ...expect }];
  }
  throw new Error(`unknown step ${step.type}`);
}

/** Operations whose undo must name the version this person left the thing at. */
export function needsVersion(op, fields) {
  if (op === "notes.arrange") return fields.moves.some((m) => m.expect === undefined);
  const versioned = ["note.update", "note.move", "note.delete", "link.update", "link.delete", "notes.unmerge",
    "notes.merge", "cluster.delete", "cluster.update"];
  return versioned.includes(op) && fields.expect === undefined;
}
