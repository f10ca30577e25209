// A note's links in the list view: "Leads to" (each link with its evidence, rule P46, and its dots in a vote on
// links, P40) and "What leads here", as templates/_note_row.html renders them. Each link's item is made once
// and kept, so that someone rating or endorsing a link keeps their place while others change it.

import { h, short } from "./list_dom.js";
import { showDots } from "./list_votes.js";

const SUMMARY_TEXT = 60;

export class ListLinks {
  constructor(evidence) {
    this.evidence = evidence; // LinkEvidence: each link's evidence block
  }

  /** Draw `note`'s links into its row, before `before` (the row's dots). */
  show(row, note, ctx, before) {
    if (!row.linkParts) {
      row.linkParts = {
        outHead: h("p", { class: "links-heading", id: `out-${note.id}` }, "Leads to"),
        outList: h("ul", { class: "links-out", "aria-labelledby": `out-${note.id}` }),
        inHead: h("p", { class: "links-heading", id: `in-${note.id}` }, "What leads here"),
        inList: h("ul", { class: "links-in", "aria-labelledby": `in-${note.id}` }),
        items: new Map(), // "out:<link id>" or "in:<link id>" -> {li, lead, shown, dots}
      };
    }
    const p = row.linkParts;
    const out = ctx.links.out.get(note.id) || [];
    const inc = ctx.links.in.get(note.id) || [];
    const wanted = new Set();
    const items = (links, way) => links.map((l) => { wanted.add(`${way}:${l.id}`); return this.item(p, l, way, ctx); });
    const outItems = items(out, "out"), inItems = items(inc, "in");
    for (const [key, item] of p.items) if (!wanted.has(key)) { item.li.remove(); p.items.delete(key); }
    const place = (list, lis) => lis.forEach((li, i) => { if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null); });
    place(p.outList, outItems);
    place(p.inList, inItems);
    const parts = [...(out.length ? [p.outHead, p.outList] : []), ...(inc.length ? [p.inHead, p.inList] : [])];
    for (const el of [p.outHead, p.outList, p.inHead, p.inList]) if (!parts.includes(el)) el.remove();
    let anchor = before;
    for (const el of parts.reverse()) {
      if (el.parentNode !== row.li || el.nextSibling !== anchor) row.li.insertBefore(el, anchor);
      anchor = el;
    }
  }

  // One link as an item: the note at its other end, its label, and — leading from this note — its dots and its
  // evidence (each link's evidence shows once, under the note it leads from).
  item(p, l, way, ctx) {
    const key = `${way}:${l.id}`;
    let item = p.items.get(key);
    if (!item) {
      item = { li: h("li", way === "out" ? { class: "link-item" } : {}), lead: [], shown: null };
      // Leading from this note, the other end and the label have their own element, followed by the evidence.
      item.end = way === "out" ? h("span", { class: "link-end" }) : item.li;
      if (way === "out") {
        item.li.append(item.end);
        item.dots = h("p", { class: "note-row-dots link-dots-vote", hidden: true });
      }
      p.items.set(key, item);
    }
    const end = ctx.view.notes.get(way === "out" ? l.target : l.source)?.text ?? "?";
    const d = ctx.dots?.(l);
    const dotsText = way === "in" && d ? (d.open ? `${d.whose} dots: ${d.count}` : `● ${d.count}`) : "";
    const shown = JSON.stringify([end, l.label, dotsText]);
    if (item.shown !== shown) {
      item.shown = shown;
      for (const node of item.lead) node.remove();
      item.lead = [document.createTextNode(end), ...(l.label ? [document.createTextNode(" "), h("span", { class: "link-label" }, l.label)] : []),
        ...(dotsText ? [document.createTextNode(" "), h("span", { class: "link-dots" }, dotsText)] : [])];
      item.end.prepend(...item.lead);
    }
    if (way === "out") {
      showDots(item.dots, l.id, short(end, SUMMARY_TEXT), d && ctx.locked ? { ...d, up: false, down: false } : d, "the link to ");
      const block = this.evidence.block(l, ctx);
      if (item.end.nextSibling !== item.dots) item.end.after(item.dots);
      if (item.dots.nextSibling !== block) item.dots.after(block);
    }
    return item.li;
  }
}
