// What a link's evidence amounts to (rule P46), for the board, the list view and the link panel: the spread
// of people's confidence as well as its mean, whether it is contested, and whether it rests on assumption
// alone. No DOM here.

export const SUPPORT = [
  ["assumption", "Assumption"], ["practice", "Practice knowledge"], ["testimony", "Stakeholder testimony"],
  ["monitoring", "Monitoring data"], ["evaluation", "Evaluation"], ["research", "Published research"],
];
export const GRADES = [["none", "None"], ["weak", "Weak"], ["moderate", "Moderate"], ["strong", "Strong"]];
const CONTESTED_SPREAD = 3; // from 1 to 4, or 2 to 5: people see this link very differently

/** Confidence in a link: how many gave it, the mean, the lowest and highest, and how many gave each value. */
export function confidenceOf(link) {
  const values = Object.values(link.confidence ?? {});
  const counts = [1, 2, 3, 4, 5].map((v) => values.filter((x) => x === v).length);
  if (!values.length) return { count: 0, mean: null, min: null, max: null, counts, contested: false };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const min = Math.min(...values), max = Math.max(...values);
  return { count: values.length, mean, min, max, counts, contested: values.length > 1 && max - min >= CONTESTED_SPREAD };
}

/** Whether nothing but assumption supports the link (no other kind of support and no grade above none). */
export function assumedOnly(link) {
  const support = link.support ?? [];
  return support.length > 0 && support.every((s) => s === "assumption");
}

/** A sentence for screen readers and titles: the grade, the confidence and its spread, what it rests on. */
export function describeEvidence(link) {
  const parts = [];
  if (link.strength) parts.push(`evidence ${link.strength}`);
  const c = confidenceOf(link);
  if (c.count) {
    parts.push(`confidence ${c.mean.toFixed(1)} of 5 from ${c.count} ${c.count === 1 ? "person" : "people"}`
      + (c.count > 1 ? `, from ${c.min} to ${c.max}` : ""));
  }
  if (c.contested) parts.push("contested");
  if (assumedOnly(link)) parts.push("assumption only");
  const n = (link.assumptions ?? []).length;
  if (n) parts.push(`rests on ${n} assumption${n > 1 ? "s" : ""}`);
  return parts.join("; ");
}

/** How many rated the link, their mean and range, and how many gave each value — the words the link panel and
 *  the list view show (server/web/list_evidence.py says it alike for the list without scripts). */
export function confidenceText(link) {
  const c = confidenceOf(link);
  if (!c.count) return "No one has said yet.";
  const each = c.counts.map((n, i) => `${n}×${i + 1}`).filter((t) => !t.startsWith("0×")).join(", ");
  return `${c.count} ${c.count === 1 ? "person" : "people"}: mean ${c.mean.toFixed(1)}`
    + `${c.count > 1 ? `, from ${c.min} to ${c.max}` : ""} (${each})`;
}

export const CHANGES = [
  ["awareness", "Awareness"], ["attitudes", "Attitudes"], ["behaviour", "Behaviour or practice"],
  ["systems", "Systems"], ["policy", "Policy"],
];

/** The label of a kind of support, grade or kind of change (`pairs`: SUPPORT, GRADES or CHANGES). */
export function labelIn(pairs, value) {
  return pairs.find(([v]) => v === value)?.[1] ?? value;
}

/** Where a source leads, and what it is called: its title, else its address or DOI. */
export function sourceLink(source) {
  return { href: source.url ?? `https://doi.org/${source.doi}`, text: source.title || source.url || `doi:${source.doi}` };
}

/** A source as typed: a web address (http or https) or a DOI (`10.1234/…`, or its doi.org address), or null. */
export function readSource(text, title) {
  const ref = text.trim();
  const named = title ? { title } : {};
  if (/^10\.\d{4,9}\/\S+$/.test(ref)) return { doi: ref, ...named };
  const doi = ref.match(/^https?:\/\/(?:dx\.)?doi\.org\/(10\.\d{4,9}\/\S+)$/);
  if (doi) return { doi: decodeURIComponent(doi[1]), ...named };
  try {
    const url = new URL(ref);
    if (url.protocol === "http:" || url.protocol === "https:") return { url: ref, ...named };
  } catch { /* not a web address */ }
  return null;
}

/** An indicator as one line: what shows it, from its baseline to its target, and where the data comes from. */
export function indicatorText(i) {
  const span = i.baseline || i.target ? ` — from ${i.baseline || "?"} to ${i.target || "?"}` : "";
  return `${i.indicator}${span}${i.source ? ` (${i.source})` : ""}`;
}

/** Who endorses a note or link, each with their stakeholder group when they have one (rule P51). */
export function endorsersText(item, participants, groups) {
  const label = (id) => (groups ?? []).find((g) => g.id === id)?.label;
  return (item.endorsed_by ?? []).map((who) => {
    const p = participants.get(who);
    const group = p?.group && label(p.group);
    return `${p?.name ?? "someone"}${group ? ` (${group})` : ""}`;
  }).join(", ");
}
