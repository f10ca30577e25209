// The live board's protocol client (docs/protocol.md): the server's map, the operations still waiting for
// an ack, and the socket. No DOM here: board.js and list.js draw from it.
//
// Edits are applied at once on top of the server's map ("pending"), kept in localStorage so a reload or a
// dropped connection loses nothing, and resent with the same cid after every reconnect — the server applies
// each cid once (rule P7). An error for a cid drops that edit, which rolls it back on screen.

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10000;
const CLOSE_REMOVED = 4004; // the facilitator removed this participant from the workshop (rule P50)

export function newId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return prefix + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** Dots on a note or link deleted while the vote is open go back to whoever gave them (rule P40). */
function refund(map, ids) {
  const vote = map.votes?.at(-1);
  if (!vote || vote.closed_at !== null) return;
  const ballots = {};
  for (const [who, items] of Object.entries(vote.ballots)) {
    ballots[who] = Object.fromEntries(Object.entries(items).filter(([item]) => !ids.includes(item)));
  }
  map.votes = [...map.votes.slice(0, -1), { ...vote, ballots }];
}

/** Dots on pathways broken while a vote on pathways is open go back: those through any of `notes`, or along any
 *  of `links` ([source, target] each) — as server/board/pathway_votes.py refund does (rule P48). */
function refundPathways(map, { notes = [], links = [] }) {
  const vote = map.votes?.at(-1);
  if (!vote || vote.closed_at !== null || vote.on !== "pathways") return;
  const broken = (item) => {
    const chain = item.split(">");
    return chain.some((n) => notes.includes(n))
      || chain.slice(1).some((t, i) => links.some(([s, e]) => s === chain[i] && e === t));
  };
  const ballots = {};
  for (const [who, items] of Object.entries(vote.ballots)) {
    ballots[who] = Object.fromEntries(Object.entries(items).filter(([item]) => !broken(item)));
  }
  map.votes = [...map.votes.slice(0, -1), { ...vote, ballots }];
}

function linkEnds(map, ids) {
  return ids.map((id) => map.links.get(id)).filter(Boolean).map((l) => [l.source, l.target]);
}

function stoppedTimer(phase) {
  return { seconds: phase.seconds ?? null, running_since: null, elapsed_ms: 0 };
}

/** How much of the phase's time box is left at server time `now` (ms; below zero when it ran out), or null. */
export function remainingMs(timer, now) {
  if (!timer || timer.seconds === null) return null;
  const running = timer.running_since !== null ? now - timer.running_since : 0;
  return timer.seconds * 1000 - timer.elapsed_ms - running;
}

// Apply one stored event to a map, exactly as server/board/model.py Board.apply does.
export function applyEvent(map, e) {
  const d = e.data;
  switch (e.op) {
    case "participant.join": map.participants.set(d.id, { ...map.participants.get(d.id), ...d }); break; // keeps their group
    case "participant.rename": map.participants.set(d.id, { ...map.participants.get(d.id), name: d.name }); break;
    case "participant.remove": { // they stay, marked, as the author of what they made; their open-vote dots go (P50)
      map.participants.set(d.id, { ...map.participants.get(d.id), removed: true });
      const vote = map.votes?.at(-1);
      if (vote && vote.closed_at === null && vote.ballots[d.id]) {
        const { [d.id]: _gone, ...ballots } = vote.ballots;
        map.votes = [...map.votes.slice(0, -1), { ...vote, ballots }];
      }
      for (const [id, link] of map.links) { // and their confidence in links; their endorsements stay
        if (!link.confidence || !(d.id in link.confidence)) continue;
        const { [d.id]: _withdrawn, ...confidence } = link.confidence;
        map.links.set(id, { ...link, confidence });
      }
      break;
    }
    case "note.add": map.notes.set(d.id, d); break;
    case "note.update": case "note.move": map.notes.set(d.id, { ...map.notes.get(d.id), ...d }); break;
    case "notes.arrange":
      for (const p of d.positions) map.notes.set(p.id, { ...map.notes.get(p.id), ...p, updated_at: d.updated_at });
      break;
    case "note.delete":
      refund(map, [d.id, ...d.links]);
      refundPathways(map, { notes: [d.id], links: linkEnds(map, d.links) });
      for (const id of d.links) map.links.delete(id);
      map.notes.delete(d.id);
      for (const [id, l] of map.links) { // a deleted note no longer props up any link (rule P46)
        if (l.assumptions?.includes(d.id)) map.links.set(id, { ...l, assumptions: l.assumptions.filter((a) => a !== d.id) });
      }
      break;
    case "note.restore": {
      const { links, ...note } = d;
      map.notes.set(d.id, note);
      for (const l of links) map.links.set(l.id, l);
      break;
    }
    case "link.add": case "link.restore": map.links.set(d.id, d); break;
    case "link.update": map.links.set(d.id, { ...map.links.get(d.id), ...d }); break;
    case "link.delete":
      refund(map, [d.id]);
      refundPathways(map, { links: linkEnds(map, [d.id]) });
      map.links.delete(d.id); break;
    case "link.evidence": case "link.assumption": map.links.set(d.id, { ...map.links.get(d.id), ...d }); break;
    case "confidence.set": { // each person's own confidence in a link (rule P46)
      const link = map.links.get(d.id), confidence = { ...(link.confidence ?? {}) };
      if (d.value === null) delete confidence[d.participant]; else confidence[d.participant] = d.value;
      map.links.set(d.id, { ...link, confidence });
      break;
    }
    case "note.indicators": map.notes.set(d.id, { ...map.notes.get(d.id), ...d }); break;
    case "workshop.lock": case "workshop.unlock": map.workshop = { ...map.workshop, locked: d.locked }; break;
    case "workshop.rename": map.workshop = { ...map.workshop, ...d }; break;
    case "workshop.share_exports": map.workshop = { ...map.workshop, exports_for_participants: d.enabled }; break;
    case "workshop.checks": map.workshop = { ...map.workshop, checks_for_everyone: d.shown }; break;
    case "notes.reveal": // private notes made public, whole: boards that never had them add them (rule P38)
      for (const n of d.notes) map.notes.set(n.id, n);
      for (const l of d.links) map.links.set(l.id, l);
      break;
    case "cluster.add": map.clusters = new Map(map.clusters).set(d.id, d); break;
    case "cluster.update": { // the notes inside move with the frame (rule P44)
      const { moved, ...frame } = d;
      map.clusters = new Map(map.clusters).set(d.id, { ...map.clusters.get(d.id), ...frame });
      for (const m of moved) map.notes.set(m.id, { ...map.notes.get(m.id), x: m.x, y: m.y, version: m.version });
      break;
    }
    case "cluster.delete": { const c = new Map(map.clusters); c.delete(d.id); map.clusters = c; break; }
    case "lanes.set": map.lanes = d.lanes; break;
    case "groups.set": { // stakeholder groups; a group taken away leaves its members in none (rule P51)
      map.groups = d.groups;
      const kept = new Set(d.groups.map((g) => g.id));
      for (const [id, p] of map.participants) if (p.group && !kept.has(p.group)) map.participants.set(id, { ...p, group: null });
      break;
    }
    case "participant.group": map.participants.set(d.participant, { ...map.participants.get(d.participant), group: d.group }); break;
    case "endorse": { // who endorses a note or link, in order (rule P51)
      const items = map.notes.has(d.id) ? map.notes : map.links, item = items.get(d.id);
      const others = (item.endorsed_by ?? []).filter((p) => p !== d.participant);
      items.set(d.id, { ...item, endorsed_by: d.on ? [...others, d.participant] : others });
      break;
    }
    case "story.add": map.stories = new Map(map.stories).set(d.id, d); break; // contribution stories (rule P52)
    case "story.update": map.stories = new Map(map.stories).set(d.id, { ...map.stories.get(d.id), ...d }); break;
    case "story.delete": { const s = new Map(map.stories); s.delete(d.id); map.stories = s; break; }
    case "notes.merge": { // as server/board/merging.py apply_merge does (rule P43)
      for (const id of d.dropped) {
        refund(map, [id]);
        refundPathways(map, { links: linkEnds(map, [id]) });
        map.links.delete(id);
      }
      refundPathways(map, { notes: d.notes.map((n) => n.id) });
      for (const r of d.repointed) map.links.set(r.id, { ...map.links.get(r.id), source: r.source, target: r.target });
      for (const n of d.notes) map.notes.delete(n.id);
      const into = map.notes.get(d.into);
      map.notes.set(d.into, { ...into, version: d.version, merged: [...(into.merged ?? []), { notes: d.notes, links: d.links, dropped: d.dropped }] });
      const vote = map.votes?.at(-1); // dots on the merged notes move with them: this page holds its own only
      if (vote && vote.closed_at === null) {
        const ballots = structuredClone(vote.ballots);
        for (const mine of Object.values(ballots)) {
          for (const n of d.notes) {
            if (mine[n.id]) { mine[d.into] = (mine[d.into] ?? 0) + mine[n.id]; delete mine[n.id]; }
          }
        }
        map.votes = [...map.votes.slice(0, -1), { ...vote, ballots }];
      }
      for (const [id, link] of map.links) { // and their confidence in links; their endorsements stay
        if (!link.confidence || !(d.id in link.confidence)) continue;
        const { [d.id]: _withdrawn, ...confidence } = link.confidence;
        map.links.set(id, { ...link, confidence });
      }
      break;
    }
    case "notes.unmerge": {
      for (const n of d.notes) map.notes.set(n.id, n);
      for (const l of d.links) map.links.set(l.id, l);
      const into = map.notes.get(d.id);
      map.notes.set(d.id, { ...into, version: d.version, merged: (into.merged ?? []).slice(0, -1) });
      break;
    }
    case "vote.open": map.votes = [...(map.votes ?? []), d.vote].slice(-100); break;
    case "vote.cast": { // only one's own reach this page while the vote is open (rule P40)
      const votes = [...map.votes], vote = { ...votes.at(-1) };
      const mine = { ...(vote.ballots[d.participant] ?? {}) };
      if (d.dots) mine[d.item] = d.dots; else delete mine[d.item];
      vote.ballots = { ...vote.ballots, [d.participant]: mine };
      votes[votes.length - 1] = vote;
      map.votes = votes;
      break;
    }
    case "vote.close": {
      const votes = [...map.votes];
      votes[votes.length - 1] = { ...votes.at(-1), closed_at: d.closed_at, totals: d.totals, ballots: d.ballots };
      map.votes = votes;
      break;
    }
    case "plan.set": // a new phase's timer: its time box, stopped (rule P39)
      map.plan = { phases: d.phases, current: d.current, changed_at: d.started_at, timer: stoppedTimer(d.phases[d.current]) };
      break;
    case "phase.go": map.plan = { ...map.plan, current: d.index, changed_at: d.started_at, timer: stoppedTimer(map.plan.phases[d.index]) }; break;
    case "timer.start": {
      const t = map.plan.timer;
      if (t.running_since === null) map.plan = { ...map.plan, timer: { ...t, running_since: d.at } };
      break;
    }
    case "timer.pause": {
      const t = map.plan.timer;
      if (t.running_since !== null) {
        map.plan = { ...map.plan, timer: { ...t, elapsed_ms: t.elapsed_ms + Math.max(0, d.at - t.running_since), running_since: null } };
      }
      break;
    }
    case "timer.add": {
      const t = map.plan.timer;
      map.plan = { ...map.plan, timer: { ...t, seconds: Math.min(8 * 3600, Math.max(0, (t.seconds ?? 0) + d.seconds)) } };
      break;
    }
    case "workshop.joining": map.workshop = { ...map.workshop, joining: d.open }; break;
  }
  map.head = e.seq;
}

// Apply an operation optimistically (before the server has answered) to copies of the maps.
function applyPending(notes, links, op, me) {
  const note = notes.get(op.id);
  switch (op.op) {
    case "note.add":
      notes.set(op.id, { id: op.id, kind: op.kind, text: op.text, x: op.x, y: op.y, colour: op.colour ?? null,
                         author: me, pending: true }); break;
    case "note.update": if (note) notes.set(op.id, { ...note, ...pick(op, ["text", "kind", "colour"]), pending: true }); break;
    case "note.move": if (note) notes.set(op.id, { ...note, x: op.x, y: op.y, pending: true }); break;
    case "notes.arrange":
      for (const m of op.moves) if (notes.has(m.id)) notes.set(m.id, { ...notes.get(m.id), x: m.x, y: m.y, pending: true });
      break;
    case "note.delete":
      notes.delete(op.id);
      for (const [id, l] of links) if (l.source === op.id || l.target === op.id) links.delete(id);
      break;
    case "link.add":
      if (notes.has(op.source) && notes.has(op.target))
        links.set(op.id, { id: op.id, source: op.source, target: op.target, label: op.label || "", pending: true });
      break;
    case "link.update": if (links.has(op.id)) links.set(op.id, { ...links.get(op.id), label: op.label, pending: true }); break;
    case "link.delete": links.delete(op.id); break;
    case "note.restore":
      if (!notes.has(op.id)) {
        const { links: attached, op: _name, cid: _cid, ...fields } = op;
        notes.set(op.id, { ...fields, colour: op.colour ?? null, author: op.author || me, pending: true });
        for (const l of attached) {
          const other = l.source === op.id ? l.target : l.source;
          if (notes.has(other) && !links.has(l.id)) links.set(l.id, { ...l, pending: true });
        }
      }
      break;
    case "link.restore":
      if (notes.has(op.source) && notes.has(op.target) && !links.has(op.id)) {
        links.set(op.id, { id: op.id, source: op.source, target: op.target, label: op.label || "", pending: true });
      }
      break;
  }
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

export class Live extends EventTarget {
  constructor({ workshopId, me }) {
    super();
    this.workshopId = workshopId;
    this.me = me;
    this.map = null; // {head, workshop, participants, notes, links} as the server has it
    this.online = new Map(); // participant id -> {id, editing}
    this.drags = new Map(); // note id -> {x, y, by, at}: others' notes in mid-drag
    this.sharedView = null; // the facilitator's shared view {x, y, width, height}, or null (rule P33)
    this.clockOffset = 0; // the server's clock minus this one, from the last welcome (rule P39)
    this.spotlight = null; // {id, by}: the note the facilitator put in front of everyone (rule P41)
    this.storageKey = `pathweaver:pending:${workshopId}:${me}`;
    this.pending = JSON.parse(localStorage.getItem(this.storageKey) || "[]");
    this.ws = null;
    this.state = "connecting"; // connecting | live | offline | removed
    this.attempt = 0;
    this.timer = null;
    window.addEventListener("offline", () => this.ws?.close());
    window.addEventListener("online", () => this.connectSoon(0));
  }

  connect() {
    clearTimeout(this.timer);
    // Sequence numbers count only within the server's epoch for this workshop (rule P22).
    const since = this.map && this.epoch ? `?since=${this.map.head}&epoch=${encodeURIComponent(this.epoch)}` : "";
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/workshops/${this.workshopId}/ws${since}`);
    this.ws = ws;
    this.setState("connecting");
    ws.onmessage = (msg) => this.receive(JSON.parse(msg.data));
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (event.code === CLOSE_REMOVED) { this.setState("removed"); return; } // for good: never reconnect (P50)
      this.setState("offline");
      this.connectSoon();
    };
  }

  connectSoon(delay) {
    clearTimeout(this.timer);
    const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt++);
    const wait = delay ?? backoff * (0.5 + Math.random() / 2); // jitter: a hall of phones must not reconnect in step
    if (this.state === "removed") return;
    this.timer = setTimeout(() => { if (!this.ws && navigator.onLine !== false) this.connect(); }, wait);
  }

  setState(state) {
    this.state = state;
    this.emit("connection");
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  receive(m) {
    switch (m.type) {
      case "welcome":
        this.attempt = 0;
        this.you = m.you;
        this.epoch = m.epoch;
        this.clockOffset = (m.now ?? Date.now()) - Date.now(); // the server's clock minus ours (rule P39)
        this.spotlight = m.spotlight ?? null;
        this.emit("spotlight", { spotlight: this.spotlight });
        this.online = new Map(m.online.map((p) => [p.id, p]));
        this.sharedView = m.view ?? null;
        this.emit("view", { view: this.sharedView, welcome: true });
        this.setState("live");
        // Everything not yet acknowledged goes again, with the same cids: the server applies each once.
        for (const op of this.pending) this.transmit(op);
        break;
      case "snapshot": {
        const b = m.board;
        this.map = {
          head: b.head, workshop: b.workshop,
          participants: new Map(b.participants.map((p) => [p.id, p])),
          notes: new Map(b.notes.map((n) => [n.id, n])),
          links: new Map(b.links.map((l) => [l.id, l])),
          plan: b.plan,
          votes: b.votes ?? [],
          clusters: new Map((b.clusters ?? []).map((c) => [c.id, c])),
          lanes: b.lanes ?? [],
          groups: b.groups ?? [],
          stories: new Map((b.stories ?? []).map((s) => [s.id, s])),
        };
        this.drags.clear();
        this.emit("change", { snapshot: true });
        break;
      }
      case "events":
        for (const e of m.events) {
          if (!this.map || e.seq <= this.map.head) continue; // already in the snapshot we started from
          if (e.seq !== this.map.head + 1) { this.ws?.close(); return; } // a gap: reconnect and catch up
          this.emit("applying", { event: e, map: this.map }); // the map as it was, for the undo history
          applyEvent(this.map, e);
          if (e.data && e.data.id) this.drags.delete(e.data.id);
        }
        if (m.drags) this.takeDrags(m.drags); // drag positions of the same tick ride along
        this.emit("change", { events: m.events });
        break;
      case "ack": {
        const done = new Set(m.acks.map((a) => a.cid));
        this.setPending(this.pending.filter((op) => !done.has(op.cid)));
        this.emit("acked", m.acks);
        break;
      }
      case "error":
        if (m.cid) this.setPending(this.pending.filter((op) => op.cid !== m.cid));
        this.emit("problem", m);
        this.emit("change", {});
        break;
      case "drags":
        this.takeDrags(m.drags);
        this.emit("drag");
        break;
      case "spotlight":
        this.spotlight = m.spotlight;
        this.emit("spotlight", { spotlight: m.spotlight });
        break;
      case "view":
        this.sharedView = m.view;
        this.emit("view", { view: m.view, by: m.by });
        break;
      case "presence":
        if (m.online) this.online.set(m.id, m); else this.online.delete(m.id);
        this.emit("presence");
        break;
    }
  }

  takeDrags(drags) {
    const now = performance.now();
    for (const d of drags) if (d.by !== this.me) this.drags.set(d.id, { ...d, at: now });
  }

  setPending(list) {
    this.pending = list;
    localStorage.setItem(this.storageKey, JSON.stringify(list));
    this.emit("pending");
  }

  // Ask for a change: applied on screen at once, stored until acknowledged, sent whenever we are connected.
  send(op, fields) {
    const frame = { op, cid: newId("c"), ...fields };
    this.setPending([...this.pending, frame]);
    this.transmit(frame);
    this.emit("change", {});
    return frame;
  }

  // Transient messages (drag positions, what I am editing) are only worth sending while connected.
  sendTransient(op, fields) {
    if (this.ws && this.state === "live") this.ws.send(JSON.stringify({ op, ...fields }));
  }

  transmit(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.state === "live") this.ws.send(JSON.stringify(frame));
  }

  // The map as this participant should see it: the server's, with pending edits applied on top.
  view() {
    if (!this.map) return null;
    if (!this.pending.length) return this.map; // nothing pending: the server's map as it is
    const notes = new Map(this.map.notes);
    const links = new Map(this.map.links);
    for (const op of this.pending) applyPending(notes, links, op, this.me);
    return { ...this.map, notes, links };
  }

  /** The server's time now, as near as this page can tell. */
  serverNow() {
    return Date.now() + this.clockOffset;
  }

  get locked() {
    return Boolean(this.map?.workshop.locked) && this.you?.role !== "facilitator";
  }
}
