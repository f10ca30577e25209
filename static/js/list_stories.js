// The list view's contribution stories (rule P52), read-only: written and edited on the board. Drawn as
// templates/_list.html draws them without scripts (server/web/list_forms.py `list_stories`), and redrawn only
// when what they show changes.

const LABELS = [ // server/board/stories.py LABELS, in its order
  ["what_changed", "What changed"],
  ["for_whom", "For whom"],
  ["what_we_did", "What we did"],
  ["how_it_contributed", "How it contributed"],
  ["evidence", "The evidence"],
];

let drawn = null;

function el(tag, attrs, ...children) {
  const node = Object.assign(document.createElement(tag), attrs);
  node.append(...children);
  return node;
}

function item(view, story, pairs) {
  const ids = story.pathway.split(">");
  const broken = ids.some((id) => !view.notes.has(id)) || ids.slice(1).some((to, i) => !pairs.has(`${ids[i]}>${to}`));
  const path = el("p", { className: "story-path" }, ids.map((id) => view.notes.get(id)?.text ?? "(deleted since)").join(" → "));
  if (broken) path.prepend(el("span", { className: "story-broken" }, "pathway broken"), " ");
  const details = el("dl", { className: "story-details" });
  for (const [name, label] of LABELS) if (story[name]) details.append(el("dt", {}, label), el("dd", {}, story[name]));
  const factors = (story.other_factors ?? []).map((id) => view.notes.get(id)?.text).filter(Boolean);
  if (factors.length) details.append(el("dt", {}, "Other factors"), el("dd", {}, factors.join("; ")));
  const li = el("li", {}, el("h3", {}, story.title), path, details);
  li.dataset.story = story.id;
  return li;
}

/** Draw the stories of `view` into the page's "Contribution stories" section. */
export function renderStories(root, view) {
  const section = root.querySelector("[data-list-stories]");
  if (!section) return;
  const all = [...(view.stories?.values() ?? [])];
  const pairs = new Set([...view.links.values()].map((l) => `${l.source}>${l.target}`));
  const fingerprint = JSON.stringify([all, [...pairs], all.flatMap((s) => [...s.pathway.split(">"), ...(s.other_factors ?? [])].map((id) => view.notes.get(id)?.text ?? null))]);
  if (fingerprint === drawn) return;
  drawn = fingerprint;
  section.hidden = all.length === 0;
  section.querySelector("[data-list-story-items]").replaceChildren(...all.map((s) => item(view, s, pairs)));
}
