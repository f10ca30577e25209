// A dot vote on pathways (rule P48) in the list view: while it is open, every pathway from a note of the vote's
// start kind to one of its end kind (as the board lists them, pathways.js), each with this person's dots and
// − and +; once it is closed, the pathways that got dots, most first. Each pathway's item is made once and
// kept, so that someone pressing + again and again keeps their focus on it.

import { dotsOn, isOpen, latestVote, spentBy } from "./board/ballots.js";
import { h, setText } from "./list_dom.js";
import { showDots } from "./list_votes.js";
import { named, pathwaysInto } from "./pathways.js";

const MAX_SHOWN = 200; // as many pathways as a vote holds dots on (server/board/pathway_votes.py)

export class ListPathwayVotes {
  constructor(root) {
    this.section = root.querySelector("[data-list-pathways]");
    this.list = this.section.querySelector("[data-list-pathway-items]");
    this.hint = this.section.querySelector("[data-list-pathways-none]");
    this.items = new Map(); // pathway key -> {li, name, dots}
  }

  /** Draw the pathways of the current vote, if it is on pathways; `who`: whose dots (the person, or a proxy). */
  render(view, who, whose, locked) {
    const vote = latestVote(view);
    this.section.hidden = vote?.on !== "pathways";
    if (this.section.hidden) return;
    const open = isOpen(vote);
    const keys = open ? this.pathways(view, vote) : Object.entries(vote.totals ?? {})
      .filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
    const left = vote.budget - spentBy(vote, who);
    const lis = keys.slice(0, MAX_SHOWN).map((key) => {
      let item = this.items.get(key);
      if (!item) {
        item = { name: h("p", { class: "pathway-name" }), dots: h("p", { class: "note-row-dots" }) };
        item.li = h("li", { "data-pathway": key }, item.name, item.dots);
        this.items.set(key, item);
      }
      const name = named(view, key);
      setText(item.name, name);
      const count = dotsOn(vote, key, who);
      const d = open ? { open, count, whose, down: !locked && count > 0, up: !locked && count < vote.max_per_item && left > 0 }
        : { open, count };
      showDots(item.dots, key, name, d, "the pathway ");
      return item.li;
    });
    for (const [key, item] of this.items) if (!keys.includes(key)) { item.li.remove(); this.items.delete(key); }
    lis.forEach((li, i) => { if (this.list.children[i] !== li) this.list.insertBefore(li, this.list.children[i] ?? null); });
    this.hint.hidden = lis.length > 0;
    setText(this.hint, open ? "No pathway reaches from start to end on the board yet." : "No pathway got dots.");
  }

  pathways(view, vote) {
    const ends = [...view.notes.values()].filter((n) => n.kind === vote.end && !n.private);
    return ends.flatMap((end) => pathwaysInto(view, end.id, vote.start).map((ids) => ids.join(">")));
  }
}
