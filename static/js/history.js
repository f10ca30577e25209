// Undo and redo of one person's own changes to the board. No DOM here: the board's undo.js draws the buttons
// and messages; this keeps the steps, turns each into operations and learns from the server's answers.
//
// Undoing is never a local rewrite: each undo or redo is a new operation sent through the protocol client,
// ordered, stored and broadcast like any other. Every operation that changes an existing note or link carries
// `expect`, the version this person left it at (rule P32), so when someone else changed it since, the server
// refuses with `changed_since` and nothing is overwritten. A deleted note comes back by `note.restore` with
// its links (rule P31). Steps are kept in localStorage, per workshop and participant, so a reload keeps them.

import { needsVersion, operationFor, stepFor } from "./history_steps.js";

export { describe } from "./history_steps.js";

export const LIMIT = 100; // steps kept each way
const QUEUE_LIMIT = 20; // undo/redo presses waiting for earlier changes to be saved
const MERGE_MOVES_MS = 1500; // moves of one note this close together (arrow keys) are one step

export class History {
  /**
   * me: this participant's id. send(op, fields) sends an operation and returns its cid. newId(prefix) makes a
   * fresh id (for a cluster brought back). notify(message, step) shows a message. store: a Storage (localStorage) and key, or none.
   */
  constructor({ me, send, newId, notify = () => {}, store = null, key = null, now = () => Date.now() }) {
    this.newId = newId;
    this.me = me;
    this.sendOp = send;
    this.notify = notify;
    this.store = store;
    this.key = key;
    this.now = now;
    this.done = []; // steps in effect, oldest first
    this.undone = []; // steps undone, the next to redo last
    this.versions = {}; // note or link id -> the version this person's last change left it at
    this.lastBy = new Map(); // note or link id -> who changed it last, of the changes seen since the page opened
    this.queue = []; // "undo" / "redo" presses waiting for the changes before them to be saved
    this.serial = 0;
    this.load();
  }

  // -- recording this person's own changes ------------------------------------------------------------

  /** Send a change and remember it as a step that can be undone; `view` is the map as shown before it. */
  perform(op, fields, view) {
    const kind = stepFor(op, fields, view);
    const cid = this.sendOp(op, fields);
    if (!kind) return null;
    const step = { id: ++this.serial, at: this.now(), ...kind };
    this.undone = [];
    const top = this.done[this.done.length - 1];
    if (step.type === "move" && top && top.type === "move" && top.target === step.target
        && (!top.flight || top.flight.dir === "do") && this.now() - top.at < MERGE_MOVES_MS) {
      top.after = step.after; // one step for a run of arrow-key moves
      top.at = this.now();
      top.flight = { op, cid, dir: "do", sent: fields };
      this.save();
      return top;
    }
    step.flight = { op, cid, dir: "do", sent: fields };
    this.done.push(step);
    if (this.done.length > LIMIT) this.done.shift();
    this.save();
    return step;
  }

  // -- undo and redo ----------------------------------------------------------------------------------

  get canUndo() { return this.done.length > 0; }
  get canRedo() { return this.undone.length > 0; }
  get nextUndo() { return this.done[this.done.length - 1] || null; }
  get nextRedo() { return this.undone[this.undone.length - 1] || null; }

  /** Whether a change of this history is still on its way to the server (its version is not known yet). */
  get busy() {
    return [...this.done, ...this.undone].some((s) => s.flight);
  }

  undo() { return this.request("undo"); }
  redo() { return this.request("redo"); }

  /** Undo or redo now, or once the changes before it are saved (an expected version must be known). */
  request(dir) {
    if (this.busy) {
      if (this.queue.length < QUEUE_LIMIT) this.queue.push(dir);
      return "queued";
    }
    return this.run(dir);
  }

  run(dir) {
    const from = dir === "undo" ? this.done : this.undone;
    const to = dir === "undo" ? this.undone : this.done;
    const step = from.pop();
    if (!step) return null;
    const [op, fields] = operationFor(step, dir, this.versions, this.newId);
    if (needsVersion(op, fields)) {
      // Without the version this person left it at, nobody can tell whether someone changed it since.
      this.save();
      this.notify(`Cannot tell whether someone changed “${step.title}” since; ${dir === "undo" ? "not undone" : "not redone"}.`, step);
      return null;
    }
    if (op === "cluster.add" && fields.id !== step.target) this.retarget(step.target, fields.id);
    step.flight = { op, cid: this.sendOp(op, fields), dir, sent: fields };
    to.push(step);
    this.save();
    return step;
  }

  /** A cluster brought back has a new id: every step about the old one is now about the new one. */
  retarget(from, to) {
    for (const step of [...this.done, ...this.undone]) if (step.target === from) step.target = to;
  }

  // -- what the server says ---------------------------------------------------------------------------

  /** An event, before it is applied to `map` (the server's map as it was). */
  observe(e, map) {
    const d = e.data || {};
    const touched = [d.id ?? d.into, ...(Array.isArray(d.links) ? d.links.map((l) => (typeof l === "string" ? l : l.id)) : [])];
    for (const p of d.positions || []) touched.push(p.id);
    if (e.op.startsWith("link.") && d.source) touched.push(d.source, d.target);
    if (e.by !== this.me) {
      for (const id of touched) if (id) this.lastBy.set(id, e.by);
      return;
    }
    if (Number.isInteger(d.version)) this.versions[d.id ?? d.into] = d.version;
    if (e.op === "note.restore") for (const l of d.links) this.versions[l.id] = l.version;
    for (const p of [...(d.positions || []), ...(d.moved || [])]) if (Number.isInteger(p.version)) this.versions[p.id] = p.version;
    const step = this.inFlight(e.op, d.id ?? d.into);
    if (!step) return;
    if (e.op === "note.delete" && step.flight.dir === "do" && map) {
      // The links the server deleted with the note, exactly, to bring back on undo.
      step.links = d.links.map((id) => map.links.get(id)).filter(Boolean).map((l) => ({ ...l }));
    }
    if (e.op === "note.restore") {
      step.restoredLinks = d.links.map((l) => l.id);
      const asked = step.flight.sent?.links || [];
      const missing = asked.filter((l) => !step.restoredLinks.includes(l.id)).length;
      if (missing) {
        const links = missing === 1 ? "1 link" : `${missing} links`;
        this.notify(`Brought back “${step.title}” without ${links}: the notes at their other ends are gone.`, step);
      }
    }
    this.save();
  }

  inFlight(op, id) {
    return [...this.done, ...this.undone].find((s) => s.flight && s.flight.op === op && s.target === id) || null;
  }

  byCid(cid) {
    return [...this.done, ...this.undone].find((s) => s.flight && s.flight.cid === cid) || null;
  }

  /** The server stored these operations: `acks` is a list of {cid, seq}. */
  acked(acks) {
    let changed = false;
    for (const { cid, seq } of acks) {
      const step = this.byCid(cid);
      if (!step) continue;
      // What an add or a restore leaves is known from the ack alone, even when its event came in a snapshot
      // (a reload while it was being saved): 1 for a new note or link, the event's seq for a restored one.
      const { op, sent } = step.flight;
      if (op === "note.add" || op === "link.add" || op === "cluster.add") this.versions[step.target] = 1;
      if (op === "note.restore" || op === "link.restore") {
        this.versions[step.target] = seq;
        for (const l of sent?.links || []) this.versions[l.id] = seq;
      }
      step.flight = null;
      changed = true;
    }
    if (changed) { this.save(); this.drain(); }
  }

  /** After a reload: changes that are no longer waiting to be sent were answered while the page was away. */
  settle(waitingCids) {
    const waiting = new Set(waitingCids);
    for (const step of [...this.done, ...this.undone]) if (step.flight && !waiting.has(step.flight.cid)) step.flight = null;
    this.save();
  }

  /**
   * The server refused an operation. A refused change is no step to undo; a refused undo or redo is dropped,
   * and the message says why. Returns that message, or null when the cid was none of this history's.
   */
  refused(cid, code, view, participants) {
    const step = this.byCid(cid);
    if (!step) return null;
    const dir = step.flight.dir;
    const sent = step.flight.sent;
    for (const list of [this.done, this.undone]) {
      const i = list.indexOf(step);
      if (i >= 0) list.splice(i, 1);
    }
    this.save();
    this.drain();
    if (dir === "do") return null;
    const message = this.why(step, dir, code, sent, view, participants);
    this.notify(message, step);
    return message;
  }

  why(step, dir, code, sent, view, participants) {
    const outcome = dir === "undo" ? "not undone" : "not redone";
    const isLink = ["link", "label", "unlink"].includes(step.type);
    const isCluster = ["cluster", "uncluster", "reframe"].includes(step.type);
    const thing = isLink ? "this link" : isCluster ? "this cluster" : step.type === "arrange" ? "some of these notes" : "this note";
    const by = this.lastBy.get(step.target ?? step.before?.find((p) => this.lastBy.has(p.id))?.id);
    const who = by === this.me ? "You" : (by && participants?.get(by)?.name) || "Someone else";
    if (code === "changed_since") {
      const note = view?.notes.get(step.target);
      const expected = new Set(sent?.expect_links || []);
      const linked = note && sent?.expect_links && [...view.links.values()].some(
        (l) => (l.source === step.target || l.target === step.target) && !expected.has(l.id));
      if (linked) return `Someone linked to “${step.title}” since; ${outcome}.`;
      return `${who} changed ${thing} since; ${outcome}.`;
    }
    if (code === "note_deleted" || code === "link_deleted") return `${who} deleted ${thing} since; ${outcome}.`;
    if (code === "link_duplicate") return `Those notes are linked that way again since; ${outcome}.`;
    if (code === "note_missing" && step.type === "unlink") return `A note this link joined is gone; ${outcome}.`;
    if (code === "board_locked") return `The facilitator has locked the board; ${outcome}.`;
    return `Could not undo ${describe(step)} (${code}); ${outcome}.`;
  }

  drain() {
    while (this.queue.length && !this.busy) this.run(this.queue.shift());
  }

  // -- kept across reloads ----------------------------------------------------------------------------

  save() {
    if (!this.store || !this.key) return;
    const steps = [...this.done, ...this.undone];
    const ids = new Set(steps.flatMap((s) => [s.target, ...(s.links || []).map((l) => l.id), ...(s.type === "arrange" ? s.before.map((p) => p.id) : [])]));
    const versions = {};
    for (const id of ids) if (this.versions[id] !== undefined) versions[id] = this.versions[id];
    this.versions = versions;
    try {
      this.store.setItem(this.key, JSON.stringify({ done: this.done, undone: this.undone, versions, serial: this.serial }));
    } catch { /* storage full or denied: the history still works until the page closes */ }
  }

  load() {
    if (!this.store || !this.key) return;
    try {
      const kept = JSON.parse(this.store.getItem(this.key) || "null");
      if (!kept) return;
      this.done = (kept.done || []).slice(-LIMIT);
      this.undone = (kept.undone || []).slice(-LIMIT);
      this.versions = kept.versions || {};
      this.serial = kept.serial || 0;
    } catch { /* unreadable: start afresh */ }
  }
}
