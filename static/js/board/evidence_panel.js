// The selected link's evidence (rule P46), in the link panel: its mechanism, what supports it, the sources, the
// group's grade — saved together as one `link.evidence` — and, at once, this person's confidence (with the
// spread of everyone's) and the assumptions it rests on. While someone edits, others' changes to the same link
// do not overwrite the form.

import { GRADES, SUPPORT, confidenceOf, confidenceText, describeEvidence, readSource, sourceLink } from "../evidence_summary.js";
import { live, root } from "./context.js";
import { onBehalf } from "./proxies.js";
import { say, toast } from "./panels.js";

const panel = root.querySelector("[data-evidence]");
let shown = null; // {id, version} of the link the form was filled from
let dirty = false;
let sources = []; // the form's sources, saved with the rest

function short(text, n = 60) {
  const line = String(text || "").split("\n")[0];
  return line.length > n ? `${line.slice(0, n - 1)}…` : line;
}

function build() {
  const support = panel.querySelector("[data-support]");
  for (const [name, label] of SUPPORT) {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", name: `support:${name}` });
    const wrap = document.createElement("label");
    wrap.className = "check";
    wrap.append(box, ` ${label}`);
    support.append(wrap);
  }
  const strength = panel.querySelector("[data-strength]");
  strength.append(new Option("Not graded", ""), ...GRADES.map(([v, label]) => new Option(label, v)));
  const choices = panel.querySelector("[data-confidence-choices]");
  choices.setAttribute("aria-label", "Your confidence, from 1 (doubtful) to 5 (sure)");
  for (let v = 1; v <= 5; v++) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: String(v) });
    b.dataset.confidence = String(v);
    b.setAttribute("aria-pressed", "false");
    b.title = ["", "Doubtful", "Unsure", "Fairly sure", "Sure", "Certain"][v];
    choices.append(b);
  }
}

function renderSources() {
  const list = panel.querySelector("[data-sources]");
  list.replaceChildren(...sources.map((s, i) => {
    const li = document.createElement("li");
    const { href, text } = sourceLink(s);
    const a = Object.assign(document.createElement("a"), { href, textContent: text, target: "_blank", rel: "noopener noreferrer nofollow" });
    const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Remove", className: "link-button" });
    remove.dataset.sourceRemove = String(i);
    remove.setAttribute("aria-label", `Remove the source ${a.textContent}`);
    li.append(a, " ", remove);
    return li;
  }));
}

function renderConfidence(link) {
  const mine = link.confidence?.[onBehalf().on_behalf_of ?? live.me] ?? null;
  for (const b of panel.querySelectorAll("button[data-confidence]")) b.setAttribute("aria-pressed", String(Number(b.dataset.confidence) === mine));
  const c = confidenceOf(link);
  panel.querySelector("[data-confidence-spread]").textContent = confidenceText(link) + (c.contested ? " — contested" : "");
}

function renderAssumptions(link, view) {
  const attached = link.assumptions ?? [];
  panel.querySelector("[data-assumptions]").replaceChildren(...attached.map((id) => {
    const li = document.createElement("li");
    li.append(short(view.notes.get(id)?.text ?? "?"), " ");
    const off = Object.assign(document.createElement("button"), { type: "button", textContent: "Take off", className: "link-button" });
    off.dataset.assumptionDetach = id;
    li.append(off);
    return li;
  }));
  // Assumption notes first, then any other note not an end of the link.
  const candidates = [...view.notes.values()].filter((n) => !n.private && n.id !== link.source && n.id !== link.target && !attached.includes(n.id));
  candidates.sort((a, b) => Number(b.kind === "assumption") - Number(a.kind === "assumption") || a.text.localeCompare(b.text));
  const pick = panel.querySelector("[data-assumption-pick]");
  pick.replaceChildren(new Option("Choose a note…", ""), ...candidates.slice(0, 200).map((n) => new Option(`${n.kind}: ${short(n.text, 50)}`, n.id)));
}

/** Fill the evidence part of the link panel for `link` (called by panels.js as it draws the panel). */
export function renderEvidence(view, link) {
  if (!panel) return;
  const changed = !shown || shown.id !== link.id;
  if (changed) dirty = false;
  if (!dirty && (changed || shown.version !== link.version)) {
    panel.querySelector("[name=mechanism]").value = link.mechanism ?? "";
    for (const [name] of SUPPORT) panel.querySelector(`[name="support:${name}"]`).checked = (link.support ?? []).includes(name);
    panel.querySelector("[data-strength]").value = link.strength ?? "";
    sources = (link.sources ?? []).map((s) => ({ ...s }));
    renderSources();
  }
  shown = { id: link.id, version: link.version };
  panel.querySelector("[data-evidence-summary]").textContent = describeEvidence(link);
  renderConfidence(link);
  renderAssumptions(link, view);
}

function save() {
  const support = SUPPORT.map(([name]) => name).filter((name) => panel.querySelector(`[name="support:${name}"]`).checked);
  live.send("link.evidence", {
    id: shown.id,
    mechanism: panel.querySelector("[name=mechanism]").value.trim(),
    support,
    sources,
    strength: panel.querySelector("[data-strength]").value || null,
  });
  dirty = false;
  say("Evidence saved.");
}

export function listenForEvidence() {
  if (!panel) return;
  build();
  // Open beside the board on a large screen; on a phone the panel covers the board, so it starts folded.
  panel.open = !matchMedia("(max-width: 760px)").matches;
  panel.addEventListener("input", (e) => { if (!e.target.closest("[data-assumption-pick], [name^=source]")) dirty = true; });
  panel.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target.matches("input")) e.preventDefault(); });
  panel.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b || !shown) return;
    if (b.dataset.action === "evidence-save") save();
    else if (b.dataset.confidence) {
      const value = Number(b.dataset.confidence), pressed = b.getAttribute("aria-pressed") === "true";
      live.send("confidence.set", { id: shown.id, value: pressed ? null : value, ...onBehalf() });
      say(pressed ? "Your confidence taken back." : `Your confidence: ${value} of 5.`);
    } else if (b.dataset.action === "source-add") {
      const ref = panel.querySelector("[name=source-ref]"), title = panel.querySelector("[name=source-title]");
      const source = readSource(ref.value, title.value.trim());
      if (!source) { toast("A source is a web address (https://…) or a DOI (10.1234/…)."); return; }
      if (sources.length >= 20) { toast("A link cites at most 20 sources."); return; }
      sources.push(source);
      ref.value = ""; title.value = "";
      dirty = true;
      renderSources();
    } else if (b.dataset.sourceRemove !== undefined) {
      sources.splice(Number(b.dataset.sourceRemove), 1);
      dirty = true;
      renderSources();
    } else if (b.dataset.action === "assumption-attach") {
      const note = panel.querySelector("[data-assumption-pick]").value;
      if (note) live.send("link.assumption", { id: shown.id, note, attached: true });
    } else if (b.dataset.assumptionDetach) {
      live.send("link.assumption", { id: shown.id, note: b.dataset.assumptionDetach, attached: false });
    }
  });
}
