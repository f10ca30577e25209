// A link's evidence (rule P46) and a note's indicators (P47), with who proposed and endorses them (P51), in the
// list view: the markup templates/_link_evidence.html and _note_evidence.html render without scripts, in the
// board's words (evidence_summary.js), and the forms to rate, endorse and edit. Each part is made once and
// then changed in place, so another person's rating arriving never closes a form or takes focus away.

import {
  CHANGES, GRADES, SUPPORT, confidenceOf, confidenceText, endorsersText, indicatorText, labelIn, sourceLink,
} from "./evidence_summary.js";
import { arrange, h, setAttr, setDefault, setText, short } from "./list_dom.js";

const SUMMARY_TEXT = 60;
const OPTION_TEXT = 80;

const hidden = (name, value) => h("input", { type: "hidden", name, value });

// Terms and their details (<dl>), redrawn only when what they say changes: they hold nothing anyone types in.
function facts(dl, pairs) {
  const key = JSON.stringify(pairs.map(([term, value]) => [term, typeof value === "string" ? value : value.key]));
  if (dl.dataset.shown === key) return;
  dl.dataset.shown = key;
  dl.replaceChildren(...pairs.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, ...(typeof value === "string" ? [value] : value.nodes()))]));
}

function list(className, items) {
  return h("ul", { class: className }, ...items.map((item) => h("li", {}, item)));
}

/** The form to endorse a note or link, or take it back (`what`: the words a screen reader hears after it). */
function endorseForm(form, id) {
  const f = { on: hidden("on", "true"), button: h("button", { type: "submit", "aria-pressed": "false" }),
              label: document.createTextNode(""), what: h("span", { class: "visually-hidden" }) };
  f.button.append(f.label, f.what);
  f.form = form(hidden("action", "endorse"), hidden("item", id), f.on, f.button);
  f.form.className = "endorse-form";
  return f;
}

function showEndorse(f, item, who, what) {
  const mine = (item.endorsed_by ?? []).includes(who);
  f.on.value = mine ? "false" : "true";
  setAttr(f.button, "aria-pressed", String(mine));
  setText(f.label, mine ? "Endorsed ✓" : "Endorse");
  setText(f.what, what);
}

/** A note's kind of change, indicators and endorsements, and its Endorse button, under its line of details. */
export function showNoteEvidence(row, note, ctx) {
  if (!row.noteFacts) {
    row.noteFacts = h("dl", { class: "note-facts" });
    row.noteEndorse = endorseForm(ctx.form, note.id);
  }
  const pairs = [];
  if (note.change) pairs.push(["Kind of change", labelIn(CHANGES, note.change)]);
  if (note.indicators?.length) {
    const texts = note.indicators.map(indicatorText);
    pairs.push(["Indicators", { key: texts, nodes: () => [list("indicators", texts)] }]);
  }
  if (note.endorsed_by?.length) pairs.push(["Endorsed by", endorsersText(note, ctx.names, ctx.view.groups)]);
  facts(row.noteFacts, pairs);
  const parts = pairs.length ? [row.noteFacts] : [];
  if (!ctx.locked && !note.private) {
    showEndorse(row.noteEndorse, note, ctx.who, `: ${short(note.text, SUMMARY_TEXT)}`);
    parts.push(row.noteEndorse.form);
  }
  for (const el of [row.noteFacts, row.noteEndorse.form]) if (!parts.includes(el)) el.remove();
  let after = row.meta;
  for (const el of parts) {
    if (after.nextSibling !== el) after.after(el);
    after = el;
  }
}

/** Each link's evidence block, made once per link and kept while the link is on the board. */
export class LinkEvidence {
  constructor(form) {
    this.form = form; // (...children) => a <form> posting to the list's handler
    this.blocks = new Map(); // link id -> its parts
  }

  /** Forget the blocks of links no longer on the board. */
  prune(view) {
    for (const id of this.blocks.keys()) if (!view.links.has(id)) this.blocks.delete(id);
  }

  block(link, ctx) {
    let b = this.blocks.get(link.id);
    if (!b) {
      b = this.make(link.id);
      this.blocks.set(link.id, b);
    }
    const other = short(ctx.view.notes.get(link.target)?.text ?? "?", SUMMARY_TEXT);
    this.showFacts(b, link, ctx);
    const mine = link.confidence?.[ctx.who] ?? null;
    setText(b.legend, `Your confidence in the link to ${other}, from 1 (doubtful) to 5 (sure)`);
    for (const [i, button] of b.choices.entries()) {
      button.value = mine === i + 1 ? "" : String(i + 1); // pressed again: taken back
      setAttr(button, "aria-pressed", String(mine === i + 1));
    }
    showEndorse(b.endorse, link, ctx.who, ` the link to ${other}`);
    setText(b.summaryText, ` of the link to ${other}`);
    if (b.tools) this.showTools(b, link, ctx);
    const parts = [b.facts];
    if (!ctx.locked) parts.push(b.confidence, b.endorse.form);
    if (!ctx.locked && ctx.may("link")) parts.push(b.details);
    for (const el of [b.confidence, b.endorse.form, b.details]) if (!parts.includes(el)) el.remove();
    arrange(b.el, parts);
    return b.el;
  }

  make(id) {
    const b = { tools: null };
    b.facts = h("dl", { class: "evidence-facts" });
    b.legend = h("legend");
    b.choices = [1, 2, 3, 4, 5].map((v) => h("button", { type: "submit", name: "value", value: String(v), "aria-pressed": "false" }, String(v)));
    b.confidence = this.form(hidden("action", "confidence"), hidden("link", id),
      h("fieldset", {}, b.legend, h("div", { class: "confidence-choices" }, ...b.choices)));
    b.confidence.className = "confidence-form";
    b.endorse = endorseForm(this.form, id);
    b.summaryText = h("span", { class: "visually-hidden" });
    b.details = h("details", { class: "note-tools evidence-tools" }, h("summary", {}, "Edit the evidence", b.summaryText));
    // The forms inside are made when first opened (as a row's tools are): a closed link costs a few elements.
    b.details.addEventListener("toggle", () => {
      if (b.details.open && !b.tools) {
        b.tools = this.makeTools(id);
        b.details.append(b.tools.evidence, b.tools.attach, b.tools.detach);
        b.el.dispatchEvent(new CustomEvent("list:tools", { bubbles: true }));
      }
    });
    b.el = h("div", { class: "link-evidence", "data-link-evidence": id }, b.facts);
    return b;
  }

  showFacts(b, link, ctx) {
    const pairs = [];
    if (link.mechanism) pairs.push(["How", link.mechanism]);
    if (link.support?.length) pairs.push(["Support", link.support.map((s) => labelIn(SUPPORT, s)).join(", ")]);
    if (link.sources?.length) {
      const links = link.sources.map(sourceLink);
      pairs.push(["Sources", { key: links, nodes: () => [h("ul", { class: "sources" }, ...links.map(({ href, text }) =>
        h("li", {}, h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, text))))] }]);
    }
    if (link.strength) pairs.push(["Evidence", labelIn(GRADES, link.strength)]);
    const text = confidenceText(link), contested = confidenceOf(link).contested;
    pairs.push(["Confidence", { key: [text, contested], nodes: () => [h("span", { class: "confidence-text" }, text),
      ...(contested ? [" ", h("strong", { class: "contested-mark" }, "Contested")] : [])] }]);
    if (link.assumptions?.length) {
      const texts = link.assumptions.map((id) => ctx.view.notes.get(id)?.text ?? "?");
      pairs.push(["Rests on", { key: texts, nodes: () => [list("assumptions", texts)] }]);
    }
    const author = ctx.names.get(link.author);
    pairs.push(["Proposed by", author ? `${author.name}${author.removed ? " (removed)" : ""}` : "someone"]);
    if (link.endorsed_by?.length) pairs.push(["Endorsed by", endorsersText(link, ctx.names, ctx.view.groups)]);
    facts(b.facts, pairs);
  }

  makeTools(id) {
    const t = {};
    t.mechanism = h("textarea", { id: `mechanism-${id}`, name: "mechanism", maxlength: "1000", rows: "2" });
    t.support = SUPPORT.map(([name]) => h("input", { type: "checkbox", name: "support", value: name }));
    t.sources = h("textarea", { id: `sources-${id}`, name: "sources", rows: "2" });
    t.strength = h("select", { id: `strength-${id}`, name: "strength" }, h("option", { value: "" }, "Not graded"),
      ...GRADES.map(([value, label]) => h("option", { value }, label)));
    t.evidence = this.form(hidden("action", "evidence"), hidden("link", id),
      h("label", { for: t.mechanism.id }, "How it leads there (mechanism)"), t.mechanism,
      h("fieldset", { class: "support-choices" }, h("legend", {}, "Support"),
        ...SUPPORT.map(([, label], i) => h("label", { class: "check" }, t.support[i], ` ${label}`))),
      h("label", { for: t.sources.id }, "Sources, one a line: a web address or a DOI, then a title if you like"), t.sources,
      h("label", { for: t.strength.id }, "The group’s grade of the evidence"), t.strength,
      h("button", { type: "submit" }, "Save the evidence"));
    t.evidence.className = "stack";
    t.pick = h("select", { id: `assumption-${id}`, name: "note" });
    t.attach = this.form(hidden("action", "assumption"), hidden("link", id),
      h("label", { for: t.pick.id }, "It rests on the assumption"), t.pick, h("button", { type: "submit" }, "Attach"));
    t.attach.className = "stack";
    t.detach = document.createDocumentFragment();
    t.detachForms = [];
    return t;
  }

  showTools(b, link, ctx) {
    const t = b.tools;
    setDefault(t.mechanism, link.mechanism ?? "");
    for (const box of t.support) {
      const on = (link.support ?? []).includes(box.value);
      if (box !== document.activeElement && box.defaultChecked !== on) box.defaultChecked = on;
    }
    setDefault(t.sources, (link.sources ?? []).map((s) => (s.url || s.doi) + (s.title ? ` ${s.title}` : "")).join("\n"));
    if (t.strength !== document.activeElement) {
      for (const o of t.strength.options) if (o.defaultSelected !== (o.value === (link.strength ?? ""))) o.defaultSelected = o.value === (link.strength ?? "");
    }
    // The notes it may rest on, as the server lists them: assumptions first, never its ends, attached or private.
    const attached = link.assumptions ?? [];
    const fit = [...ctx.view.notes.values()].filter((n) => n.id !== link.source && n.id !== link.target && !attached.includes(n.id) && !n.private);
    const choices = [...fit.filter((n) => n.kind === "assumption"), ...fit.filter((n) => n.kind !== "assumption")];
    const key = JSON.stringify(choices.map((n) => [n.id, short(n.text, OPTION_TEXT)]));
    if (t.pick.dataset.shown !== key && t.pick !== document.activeElement) {
      t.pick.dataset.shown = key;
      t.pick.replaceChildren(...choices.map((n) => h("option", { value: n.id }, short(n.text, OPTION_TEXT))));
    }
    const detachKey = JSON.stringify(attached.map((id) => [id, ctx.view.notes.get(id)?.text ?? "?"]));
    if (t.detachKey !== detachKey) {
      t.detachKey = detachKey;
      for (const f of t.detachForms) f.remove();
      t.detachForms = attached.map((id) => {
        const f = this.form(hidden("action", "assumption"), hidden("link", link.id), hidden("note", id), hidden("attached", "false"),
          h("button", { type: "submit", class: "danger" }, `Take off “${short(ctx.view.notes.get(id)?.text ?? "?", 40)}”`));
        return f;
      });
      b.details.append(...t.detachForms);
    }
  }
}
