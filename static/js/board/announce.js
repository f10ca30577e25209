// What others change, said in a polite live region, so that someone who cannot see the board hears it change:
// notes and arrows added, edited and deleted, the board locked and unlocked, people renamed and removed. A
// person's own changes are not said (they know). A busy room is not a flood: changes are gathered for a moment
// and said together ("Ana added 3 notes"), and never more than one announcement every few seconds.

import { live, root } from "./context.js";

const GATHER_MS = 1000; // a burst of changes is said once
const GAP_MS = 5000; // at most one announcement this often
const QUOTE = 60; // characters of a note's text quoted when a single note is added or edited

// What each operation counts as: [thing, what happened to it].
const COUNTED = {
  "note.add": ["note", "added"], "note.restore": ["note", "added"], "note.update": ["note", "edited"],
  "note.delete": ["note", "deleted"], "link.add": ["arrow", "added"], "link.restore": ["arrow", "added"],
  "link.update": ["arrow", "relabelled"], "link.delete": ["arrow", "deleted"],
};
const ORDER = ["note added", "note edited", "note deleted", "arrow added", "arrow relabelled", "arrow deleted"];

const region = root.querySelector("[data-announcements]");
let gathered = null; // {counts, people, lock, only} since the last announcement
let lastSaid = -Infinity;
let timer = null;

function short(text) {
  const chars = Array.from(text || "");
  return chars.length > QUOTE ? `${chars.slice(0, QUOTE - 1).join("")}…` : chars.join("");
}

function list(parts) {
  return parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** One announcement for everything gathered. */
export function sentence({ counts, people, lock, only, roster = [] }) {
  const said = [];
  const who = people.size === 1 ? [...people][0] : "others";
  if (lock) said.push(`${lock.by} ${lock.locked ? "locked" : "unlocked"} the board.`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 1 && only) {
    said.push(`${who} ${only.verb} a note: “${short(only.text)}”.`);
  } else if (total) {
    const parts = ORDER.filter((key) => counts.get(key)).map((key) => {
      const n = counts.get(key), [thing, verb] = key.split(" ");
      return `${n} ${thing}${n > 1 ? "s" : ""} ${verb}`;
    });
    said.push(`${list(parts)} by ${who}.`);
  }
  return [...said, ...roster].join(" "); // who was renamed or removed: after what they did under the old name
}

function say() {
  timer = null;
  if (!gathered) return;
  const text = sentence(gathered);
  gathered = null;
  lastSaid = performance.now();
  if (text) region.textContent = text;
}

function take(event, map) {
  if (event.by === live.me) return;
  const name = map.participants.get(event.by)?.name || "Someone";
  gathered ??= { counts: new Map(), people: new Set(), lock: null, only: null, roster: [] };
  const named = map.participants.get(event.data?.id)?.name; // as they were called before this event (rule P50)
  if (event.op === "participant.rename" && named) {
    gathered.roster.push(`${named} is now called ${event.data.name}.`);
  } else if (event.op === "participant.remove" && named) {
    gathered.roster.push(`${named} was removed from the workshop.`);
  } else if (event.op === "workshop.lock" || event.op === "workshop.unlock") {
    gathered.lock = { by: name, locked: event.op === "workshop.lock" };
  } else if (COUNTED[event.op]) {
    const key = COUNTED[event.op].join(" ");
    gathered.counts.set(key, (gathered.counts.get(key) || 0) + 1);
    gathered.people.add(name);
    const text = event.data?.text;
    gathered.only = (event.op === "note.add" || event.op === "note.update") && text
      ? { verb: event.op === "note.add" ? "added" : "edited", text } : null;
  } else {
    return;
  }
  if (!timer) timer = setTimeout(say, Math.max(GATHER_MS, lastSaid + GAP_MS - performance.now()));
}

/** Listen to the stored changes the server sends. */
export function listenForOthersChanges() {
  if (region) live.addEventListener("applying", (e) => take(e.detail.event, e.detail.map));
}
