// Reading a dot vote (rule P40) from a map: which vote is current, what is in it, whose dots are where. Pure: no
// page, no socket, so that the board (board/votes.js) and the list view (list_votes.js) read it alike. While a
// vote is open a map holds only the viewer's own ballot (and those of the people they vote for, P42); once it
// closes it holds the totals.

/** The newest vote on this map, open or closed, or null. */
export function latestVote(view) {
  return view?.votes?.at(-1) ?? null;
}

export function isOpen(vote) {
  return Boolean(vote) && vote.closed_at === null;
}

/** Whether a note is one the vote is on (of its kinds, when it names kinds). */
export function inVote(vote, note) {
  return vote.on === "notes" && (vote.kinds === null || vote.kinds.includes(note.kind));
}

/** Someone's dots in the vote: item id -> dots. */
export function ballotOf(vote, who) {
  return vote.ballots[who] ?? {};
}

/** How many of their dots someone has spent. */
export function spentBy(vote, who) {
  return Object.values(ballotOf(vote, who)).reduce((a, b) => a + b, 0);
}

/** The dots to show on an item: someone's own while the vote is open, everyone's once it is closed. */
export function dotsOn(vote, item, who) {
  return isOpen(vote) ? ballotOf(vote, who)[item] ?? 0 : vote.totals[item] ?? 0;
}

/** What the vote is on, as a heading: its title, or the kinds it takes. */
export function voteHeading(vote, kindLabel) {
  if (vote.title) return `${vote.title} —`;
  if (vote.on === "pathways") return "Vote on pathways:";
  if (vote.kinds) return `Vote on the ${vote.kinds.map(kindLabel).join(", ")} notes:`;
  return "Dot vote:";
}
