// Dot votes in the list view (rule P40), read as the board reads them (board/ballots.js): the vote bar (what is
// voted on, the dots left), − and + on each note in an open vote, each note's and link's dots, and the order
// "most dots first" — by the totals once the vote is closed, by this person's own dots while it is open. The
// order is kept in the page's address (?order=dots) and in localStorage, so a reload or a shared link keeps it.

import { ballotOf, dotsOn, inVote, isOpen, latestVote, spentBy, voteHeading } from "./board/ballots.js";
import { h, setAttr, setText, short } from "./list_dom.js";

const ORDER_KEY = "pathweaver:list-order";

function itemWord(vote) {
  return { links: "link", pathways: "pathway" }[vote.on] ?? "note";
}

export class ListVotes {
  constructor(root, { kinds, isFacilitator, send, say }) {
    this.bar = root.querySelector("[data-vote-bar]");
    this.text = root.querySelector("[data-vote-text]");
    this.orderPicker = root.querySelector("[data-order]");
    this.kindLabel = (k) => kinds.find((x) => x.name === k)?.label ?? k;
    this.isFacilitator = isFacilitator;
    this.send = send;
    this.say = say;
    const asked = new URLSearchParams(location.search).get("order");
    this.order = asked === "dots" || asked === "board" ? asked : localStorage.getItem(ORDER_KEY) || "board";
    this.orderPicker.value = this.order;
  }

  /** Whose dots this page shows and casts: the person's own, or those of the proxy they act for (P42). */
  whose(view, actingFor, me) {
    const who = actingFor || me;
    const name = actingFor ? view.participants.get(actingFor)?.name ?? "They" : null;
    return { who, name };
  }

  /** "Your" or, acting for someone without a device, "Amal’s": whose dots the page shows. */
  whoseLabel(view, actingFor, me) {
    const { name } = this.whose(view, actingFor, me);
    return name ? `${name}’s` : "Your";
  }

  /** The dots on an item (a note or a link) for the list to show, or null when it is not in the vote. */
  dotsFor(view, actingFor, me) {
    const vote = latestVote(view);
    if (!vote) return () => null;
    const open = isOpen(vote);
    const { who, name } = this.whose(view, actingFor, me);
    const left = vote.budget - spentBy(vote, who);
    return (item) => {
      const isLink = "source" in item;
      if (isLink ? vote.on !== "links" : !inVote(vote, item)) return null;
      const count = dotsOn(vote, item.id, who);
      if (!open) return isLink && !count ? null : { open, count };
      return { open, count, whose: name ? `${name}’s` : "Your", down: count > 0, up: count < vote.max_per_item && left > 0 };
    };
  }

  /** Notes in the order chosen: most dots first (ties keep the board's order), or as they are. */
  sorter(view, actingFor, me) {
    const vote = latestVote(view);
    if (this.order !== "dots" || !vote) return (notes) => notes;
    const { who } = this.whose(view, actingFor, me);
    return (notes) => notes.map((n, i) => [dotsOn(vote, n.id, who), i, n]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[2]);
  }

  render(view, actingFor, me) {
    const vote = latestVote(view);
    this.bar.hidden = !vote;
    if (!vote) return;
    const open = isOpen(vote);
    const what = voteHeading(vote, this.kindLabel);
    const { who, name } = this.whose(view, actingFor, me);
    const left = vote.budget - spentBy(vote, who);
    const on = itemWord(vote);
    let text;
    if (!open) text = `${what} closed. Each ${on} shows its dots.`;
    else if (this.isFacilitator && !name) text = `${what} open. Results show when you close it.`;
    else text = `${what} ${name ? `${name} has` : "you have"} ${left} of ${vote.budget} dot${vote.budget === 1 ? "" : "s"} left (at most ${vote.max_per_item} on one ${on}).`;
    if (this.text.textContent !== text) this.text.textContent = text;
    const option = this.orderPicker.querySelector("option[value=dots]");
    const label = open ? (name ? `${name}’s dots first` : "my dots first") : "most dots first";
    if (option.textContent !== label) option.textContent = label;
  }

  /** A − or + pressed on a note: that person's dots on it, one fewer or one more. */
  cast(view, item, way, actingFor, me) {
    const vote = latestVote(view);
    if (!isOpen(vote)) return;
    const { who } = this.whose(view, actingFor, me);
    const now = ballotOf(vote, who)[item] ?? 0;
    const dots = way === "up" ? now + 1 : now - 1;
    this.send("vote.cast", { item, dots, ...(actingFor ? { on_behalf_of: actingFor } : {}) });
    this.say(`${dots} dot${dots === 1 ? "" : "s"} on this ${itemWord(vote)}; ${vote.budget - spentBy(vote, who) - (dots - now)} left.`);
  }

  /** The order picked: shown at once, kept in the address and in localStorage. */
  setOrder(order) {
    this.order = order === "dots" ? "dots" : "board";
    localStorage.setItem(ORDER_KEY, this.order);
    const url = new URL(location.href);
    if (this.order === "dots") url.searchParams.set("order", "dots"); else url.searchParams.delete("order");
    history.replaceState(history.state, "", url);
  }
}

/**
 * The dots on an item in the current vote (rule P40): this person's, with − and +, while it is open; everyone's
 * once it is closed. `d` is null when the item is not in the vote; `noun` goes before its text in the buttons'
 * names ("the link to ", "the pathway "). The buttons are made once and kept, so that someone pressing + again
 * and again keeps their focus on it.
 */
export function showDots(el, item, text, d, noun = "") {
  el.hidden = !d;
  if (!d) return;
  if (!el.firstChild) {
    const button = (vote, sign) => h("button", { type: "button", class: "small", "data-vote": vote, "data-item": item }, sign);
    el.append(h("span", { class: "note-row-dots-count" }), button("down", "−"), button("up", "+"));
  }
  const [count, down, up] = el.children;
  setText(count, d.open ? `${d.whose} dots: ${d.count}` : `● ${d.count} dot${d.count === 1 ? "" : "s"} in the vote`);
  for (const [b, can, what] of [[down, d.down, "Take a dot off"], [up, d.up, "Put a dot on"]]) {
    b.hidden = !d.open;
    b.disabled = !can;
    setAttr(b, "aria-label", `${what} ${noun}“${short(text, 60)}”`);
  }
}
