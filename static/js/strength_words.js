// How strong a pathway is, in words (rule P54), for the board's Pathways panel and the list view alike. The
// strength itself is the server's (GET /api/workshops/{id}/pathways, worked out by server/export/strength.py):
// this only says it. Pure: no page, no socket.

const GRADES = { // server/export/strength.py GRADE_SCALE, weakest first
  ungraded: "evidence not graded",
  none: "no evidence",
  weak: "weak evidence",
  moderate: "moderate evidence",
  strong: "strong evidence",
};

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** A mean confidence as people read it: one decimal, none when whole ("2.5", "3"). */
export function confidenceWords(mean) {
  return String(Math.round(mean * 10) / 10);
}

/** The pathway's strength in one line: "weak evidence · confidence 2.5 of 5 · 1 link unrated · …". */
export function strengthLine(p) {
  const parts = [GRADES[p.grade] ?? p.grade];
  if (p.confidence == null) parts.push("no confidence rated");
  else {
    parts.push(`confidence ${confidenceWords(p.confidence)} of 5`);
    if (p.unrated) parts.push(`${plural(p.unrated, "link")} unrated`);
  }
  if (p.contested.length) parts.push(`⚖ ${plural(p.contested.length, "contested link")}`);
  return parts.join(" · ");
}

/** What the pathway rests on, in words, or "" when nothing: its assumptions and its links on assumption alone. */
export function restsOn(view, p) {
  const parts = [];
  const named = p.assumptions.map((id) => view.notes.get(id)?.text).filter(Boolean);
  if (named.length) parts.push(`assumes ${named.map((t) => `“${t}”`).join(", ")}`);
  if (p.assumption_only.length) parts.push(`${plural(p.assumption_only.length, "link")} on assumption alone`);
  return parts.join(" · ");
}

/** A link by its notes' text, "A → B" (marked ⚖ when contested); "" when it is no longer on the board. */
export function linkWords(view, p, linkId) {
  const l = view.links.get(linkId);
  if (!l) return "";
  const text = (id) => view.notes.get(id)?.text ?? "?";
  return `${text(l.source)} → ${text(l.target)}${p.contested.includes(linkId) ? " ⚖" : ""}`;
}

/** The pathway's weakest links, in words: "Weakest link: A → B". */
export function weakestWords(view, p) {
  const links = p.weakest.map((id) => linkWords(view, p, id)).filter(Boolean);
  if (!links.length) return "";
  return `${links.length === 1 ? "Weakest link" : "Weakest links"}: ${links.join("; ")}`;
}

/** The pathway's name on the board: its notes' ids joined by ">" (as pathway votes and stories name it, P48). */
export function keyOf(p) {
  return p.notes.join(">");
}

/** The pathway's contested links, in words: "Contested: A → B ⚖" (people rate them very differently). */
export function contestedWords(view, p) {
  const links = p.contested.map((id) => linkWords(view, p, id)).filter(Boolean);
  return links.length ? `Contested: ${links.join("; ")}` : "";
}
