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
