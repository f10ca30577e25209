// The list view drawn from the live map (Live.view(): the server's map with this person's unsaved changes on
// top), in the markup templates/_list.html and _note_row.html render without scripts. The page is changed in
// place: a row is made once and afterwards only what differs is touched, so that others' edits never close an
// open row, move focus, reset a caret or overwrite what someone is typing. User text only ever goes into the
// page as text and attribute values, never as markup.

import { arrange, h, setAttr, setDefault, setText, short } from "./list_dom.js";
import { LinkEvidence, showNoteEvidence } from "./list_evidence.js";
import { ListLinks } from "./list_links.js";
import { showDots } from "./list_votes.js";

const OPTION_TEXT = 80;
const SUMMARY_TEXT = 60;

const PRIVATE = {
  author: "private until the facilitator reveals it: only its author sees it",
  author_facilitator: "private until the facilitator reveals it: only its author and the facilitator see it",
};

/** The line under a note: its kind (in a cluster, where notes of every kind meet), author, privacy, merges. */
/** Who wrote a note, as the list names them: marked when the facilitator removed them (rule P50). */
function authorName(person) {
  return person ? `${person.name}${person.removed ? " (removed)" : ""}` : "someone";
}

export function rowMeta(note, kind, names, inCluster) {
  const merged = (note.merged ?? []).reduce((sum, m) => sum + m.notes.length, 0);
  return [
    `${inCluster ? `${kind?.label ?? note.kind}, ` : ""}by ${authorName(names.get(note.author))}`,
    ...(note.private ? [PRIVATE[note.private] ?? "private"] : []),
    ...(merged ? [`${merged} duplicate${merged > 1 ? "s" : ""} merged in`] : []),
  ].join(" · ") + (note.pending ? " — not yet saved" : "");
}

export class ListView {
  constructor(region, { action, kinds }) {
    this.region = region; // [data-notes]: the sections of rows
    this.action = action; // where the forms would post without scripts
    this.kinds = kinds;
    this.evidence = new LinkEvidence((...children) => this.form(...children));
    this.links = new ListLinks(this.evidence);
    this.kindOf = new Map(kinds.map((k) => [k.name, k]));
    this.sections = new Map(); // group key ("kind-…" or "cluster-…") -> {section, label, list, ...}
    this.rows = new Map(); // note id -> the parts of its row
    // The server's rendering gives way to this one; a row someone opened before the scripts arrived (a slow
    // phone) is opened again in it.
    this.openBefore = new Set([...region.querySelectorAll(".note-row[id^='row-'] > details[open]")]
      .map((details) => details.parentElement.id.slice("row-".length)));
    region.replaceChildren();
  }

  /**
   * Draw `groups` ([{key, kind} or {key, cluster}, each with its notes in order]: see list_clusters.js). `tools`
   * says what this person may do: locked, may(what, note) for the phase (rule P37), and dots(item) for the
   * current vote (rule P40, see list_votes.js) or null.
   */
  render(view, groups, tools) {
    const links = { out: new Map(), in: new Map() };
    for (const l of view.links.values()) {
      if (!links.out.has(l.source)) links.out.set(l.source, []);
      if (!links.in.has(l.target)) links.in.set(l.target, []);
      links.out.get(l.source).push(l);
      links.in.get(l.target).push(l);
    }
    const ctx = { view, links, ...tools, names: view.participants, form: (...children) => this.form(...children) };

    const wanted = [];
    for (const group of groups) {
      if (!group.cluster && !group.notes.length) continue;
      const s = group.cluster ? this.clusterSection(group.cluster, ctx) : this.section(group.kind);
      wanted.push(s.section);
      const name = group.cluster ? group.cluster.label : group.kind.label;
      setText(s.label, `${name} (${group.notes.length})`);
      if (s.empty) s.empty.hidden = group.notes.length > 0;
      arrange(s.list, group.notes.map((n) => this.row(n, this.kindOf.get(n.kind), ctx, Boolean(group.cluster)).li));
    }
    arrange(this.region, wanted);
    for (const [id, row] of this.rows) {
      if (!view.notes.has(id)) { row.li.remove(); this.rows.delete(id); }
    }
    this.evidence.prune(view);
    for (const [key, s] of this.sections) {
      if (!wanted.includes(s.section)) { s.section.remove(); this.sections.delete(key); }
    }
  }

  section(kind) {
    const key = `kind-${kind.name}`;
    let s = this.sections.get(key);
    if (!s) {
      const label = h("span");
      const list = h("ul", { class: "note-list" });
      const section = h("section", { "aria-labelledby": key, "data-kind": kind.name },
        h("h2", { id: key }, h("span", { class: "swatch", "data-colour": kind.colour }), label), list);
      s = { section, label, list };
      this.sections.set(key, s);
    }
    return s;
  }

  // A cluster (rule P44): its name as a heading over the notes in its frame, and the forms to rename it or take
  // the frame away (its notes stay).
  clusterSection(cluster, ctx) {
    const key = `cluster-${cluster.id}`;
    let s = this.sections.get(key);
    if (!s) {
      const hidden = (name, value) => h("input", { type: "hidden", name, value });
      s = { label: h("span"), list: h("ul", { class: "note-list" }), summaryText: h("span", { class: "visually-hidden" }),
            empty: h("p", { class: "hint" }, "No notes inside this frame on the board.") };
      s.name = h("input", { id: `cluster-name-${cluster.id}`, name: "label", required: true, maxlength: "200" });
      s.tools = h("details", { class: "note-tools cluster-tools" },
        h("summary", {}, "Rename or remove", s.summaryText),
        this.form(hidden("action", "cluster-rename"), hidden("cluster", cluster.id),
          h("label", { for: s.name.id }, "Name of the cluster"),
          h("div", { class: "row" }, s.name, h("button", { type: "submit" }, "Rename"))),
        this.form(hidden("action", "cluster-delete"), hidden("cluster", cluster.id),
          h("button", { type: "submit", class: "danger" }, "Remove the frame (its notes stay)")));
      s.section = h("section", { "aria-labelledby": key, "data-cluster": cluster.id, class: "cluster-group" },
        h("h2", { id: key }, h("span", { class: "cluster-word" }, "Cluster: "), s.label), s.tools, s.list, s.empty);
      this.sections.set(key, s);
    }
    setText(s.summaryText, ` the cluster ${short(cluster.label, SUMMARY_TEXT)}`);
    setDefault(s.name, cluster.label);
    const may = !ctx.locked && ctx.may("cluster");
    if (!may) s.tools.remove();
    else if (!s.tools.isConnected) s.section.querySelector("h2").after(s.tools);
    return s;
  }

  row(note, kind, ctx, inCluster) {
    let row = this.rows.get(note.id);
    if (!row) {
      row = this.makeRow(note.id);
      this.rows.set(note.id, row);
    }
    const pending = Boolean(note.pending);
    setAttr(row.li, "class", pending ? "note-row pending" : "note-row");
    setAttr(row.li, "data-colour", note.colour || kind?.colour || "");
    setText(row.text, note.text);
    setText(row.meta, rowMeta(note, kind, ctx.names, inCluster));
    showNoteEvidence(row, note, ctx);
    this.links.show(row, note, ctx, row.dots);
    const dots = ctx.dots?.(note);
    showDots(row.dots, note.id, note.text, dots && ctx.locked ? { ...dots, up: false, down: false } : dots); // locked: no casting
    const summary = `: ${short(note.text, SUMMARY_TEXT)}`;
    if (ctx.locked) row.choose.remove();
    else if (!row.choose.isConnected) row.li.prepend(row.choose);
    setText(row.chooseText, summary);
    const can = { edit: ctx.may("edit", note), link: ctx.may("link", note), unmerge: Boolean(note.merged?.length) };
    if (ctx.locked || !(can.edit || can.link || can.unmerge)) {
      row.details.remove();
    } else {
      if (!row.details.isConnected) row.li.append(row.details);
      setText(row.summaryText, summary);
      if (row.tools) this.updateTools(row, note, ctx, can);
    }
    return row;
  }

  makeRow(id) {
    const row = { id, tools: null };
    row.text = h("p", { class: "note-row-text" });
    row.meta = h("p", { class: "hint note-row-meta" });
    row.dots = h("p", { class: "note-row-dots", hidden: true });
    // Ticked notes are merged or clustered from the selection bar (list_selection.js), whose form they belong to.
    row.chooseText = h("span", { class: "visually-hidden" });
    row.choose = h("label", { class: "choose" },
      h("input", { type: "checkbox", name: "chosen", value: id, form: "chosen-form" }), "Select", row.chooseText);
    row.summaryText = h("span", { class: "visually-hidden" });
    row.details = h("details", { class: "note-tools" }, h("summary", {}, "Edit, link or delete", row.summaryText));
    // The forms inside are made when the row is first opened: a closed row costs a few elements, not a list
    // of every other note.
    row.details.addEventListener("toggle", () => {
      if (row.details.open && !row.tools) {
        row.tools = this.makeTools(id);
        row.details.append(...row.tools.forms);
        row.li.dispatchEvent(new CustomEvent("list:tools", { bubbles: true }));
      }
    });
    row.li = h("li", { class: "note-row", id: `row-${id}` }, row.choose, row.text, row.meta, row.dots, row.details);
    if (this.openBefore.delete(id)) row.details.open = true;
    return row;
  }

  form(...children) {
    return h("form", { method: "post", action: this.action }, ...children);
  }

  makeTools(id) {
    const hidden = (name, value) => h("input", { type: "hidden", name, value });
    const t = {};
    t.text = h("textarea", { id: `text-${id}`, name: "text", required: true, maxlength: "2000", rows: "2" });
    t.kind = h("select", { id: `kind-${id}`, name: "kind" },
      ...this.kinds.map((k) => h("option", { value: k.name }, k.label)));
    const edit = this.form(hidden("action", "edit"), hidden("note", id),
      h("label", { for: t.text.id }, "Text"), t.text, h("label", { for: t.kind.id }, "Kind"), t.kind,
      h("button", { type: "submit" }, "Save"));
    edit.className = "stack";
    t.target = h("select", { id: `target-${id}`, name: "target" });
    t.targetsShown = null;
    const label = h("input", { id: `label-${id}`, name: "label", maxlength: "200", placeholder: "e.g. leads to" });
    const link = this.form(hidden("action", "link"), hidden("note", id),
      h("label", { for: t.target.id }, "Link this note to"), t.target,
      h("label", { for: label.id }, "Label (optional)"), label, h("button", { type: "submit" }, "Link"));
    link.className = "stack";
    t.linkForms = new Map(); // link id -> {form, label, input, save, unlink}
    t.fieldset = h("fieldset", { class: "link-edits" }, h("legend", {}, "Its links"));
    t.remove = h("button", { type: "submit", class: "danger" });
    const remove = this.form(hidden("action", "delete"), hidden("note", id), t.remove);
    // A merge into this note can be undone (rule P43): the latest one, by anyone, at any time.
    t.unmergeText = h("span", {});
    t.unmerge = this.form(hidden("action", "unmerge"), hidden("note", id), h("button", { type: "submit" }, t.unmergeText));
    t.edit = edit; t.link = link; t.removeForm = remove;
    t.forms = [edit, t.fieldset, link, t.unmerge, remove]; // what it is, its links, a new link, its merge, away
    return t;
  }

  updateTools(row, note, ctx, can) {
    const t = row.tools;
    t.edit.hidden = t.removeForm.hidden = !can.edit;
    t.link.hidden = !can.link;
    t.unmerge.hidden = !can.unmerge;
    const last = note.merged?.at(-1);
    if (last) setText(t.unmergeText, `Undo the merge: bring back ${last.notes.map((n) => `“${short(n.text, 40)}”`).join(", ")}`);
    setDefault(t.text, note.text);
    if (t.kind !== document.activeElement) {
      for (const o of t.kind.options) if (o.defaultSelected !== (o.value === note.kind)) o.defaultSelected = o.value === note.kind;
    }
    // The notes this one can link to; rebuilt only when they change, never under the person choosing one.
    const others = [...ctx.view.notes.values()].filter((n) => n.id !== note.id);
    const targets = JSON.stringify(others.map((n) => [n.id, short(n.text, OPTION_TEXT)]));
    if (t.targetsShown !== targets && t.target !== document.activeElement) {
      t.targetsShown = targets;
      const chosen = t.target.value;
      t.target.replaceChildren(...others.map((n) => h("option", { value: n.id }, short(n.text, OPTION_TEXT))));
      if (others.some((n) => n.id === chosen)) t.target.value = chosen;
    }
    const mine = [...(ctx.links.out.get(note.id) || []), ...(ctx.links.in.get(note.id) || [])];
    for (const [id, f] of t.linkForms) {
      if (!mine.some((l) => l.id === id)) { f.form.remove(); t.linkForms.delete(id); }
    }
    const forms = mine.map((l) => this.linkForm(row, l, ctx));
    t.fieldset.hidden = !forms.length || !can.link;
    arrange(t.fieldset, [t.fieldset.firstChild, ...forms]);
    const count = mine.length;
    setText(t.remove, `Delete note${count ? ` and its ${count} link${count > 1 ? "s" : ""}` : ""}`);
  }

  linkForm(row, l, ctx) {
    const t = row.tools;
    let f = t.linkForms.get(l.id);
    if (!f) {
      const id = `link-${row.id}-${l.id}`;
      f = { input: h("input", { id, name: "label", maxlength: "200" }), label: h("label", { for: id }),
            saveText: h("span", { class: "visually-hidden" }), unlinkText: h("span", { class: "visually-hidden" }) };
      f.form = this.form(h("input", { type: "hidden", name: "link", value: l.id }), f.label,
        h("div", { class: "row" }, f.input,
          h("button", { type: "submit", name: "action", value: "relabel" }, "Relabel", f.saveText),
          h("button", { type: "submit", name: "action", value: "unlink", class: "danger" }, "Unlink", f.unlinkText)));
      f.form.className = "link-edit";
      t.linkForms.set(l.id, f);
    }
    const outgoing = l.source === row.id;
    const other = short(ctx.view.notes.get(outgoing ? l.target : l.source)?.text ?? "?", SUMMARY_TEXT);
    const which = `${outgoing ? "to" : "from"} ${other}`;
    setText(f.label, `Label of the link ${which}`);
    setText(f.saveText, ` the link ${which}`);
    setText(f.unlinkText, ` ${which}`);
    setDefault(f.input, l.label);
    return f.form;
  }
}
