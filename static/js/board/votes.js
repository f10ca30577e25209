// Dot voting on the board (rule P40): the vote bar (what is being voted on, the dots one has left; Close for
// the facilitator), − and + on every note in the vote, the totals on each note once it closes, and the
// facilitator's form to open one. Others' dots never reach this page while the vote is open: the server
// sends each person only their own.

import { isFacilitator, kindOf, live, root, ui } from "./context.js";
import { say, toast } from "./panels.js";
import { actingFor, onBehalf } from "./proxies.js";
import { noteEls } from "./render.js";
import { camera, onCameraChange } from "./viewport.js";
import { ballotOf, inVote, latestVote as latestOf, spentBy, voteHeading } from "./ballots.js";

const bar = root.querySelector("[data-vote-bar]");
const form = root.querySelector("[data-vote-open]");
// Dots sit on their note's lower edge, in a layer of their own above the notes: a note clips what it holds.
const layer = root.querySelector("[data-vote-dots]");
const dotEls = new Map(); // note id -> its dots element

function latestVote() {
  return latestOf(live.view());
}

function mine(vote) {
  return ballotOf(vote, actingFor());
}

function spent(vote) {
  return spentBy(vote, actingFor());
}

function dotsElement(id) {
  let el = dotEls.get(id);
  if (!el) {
    el = document.createElement("div");
    el.className = "note-dots";
    const down = Object.assign(document.createElement("button"), { type: "button", textContent: "−" });
    down.dataset.vote = "down";
    const count = document.createElement("span");
    count.className = "note-dots-count";
    const up = Object.assign(document.createElement("button"), { type: "button", textContent: "+" });
    up.dataset.vote = "up";
    el.append(down, count, up);
    el.dataset.id = id;
    layer.append(el);
    dotEls.set(id, el);
  }
  return el;
}

/** Under the middle of its note, wherever the note is now (drags included). */
function place(el, noteEl) {
  const at = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(noteEl.style.transform);
  if (!at) return;
  const x = parseFloat(at[1]) + noteEl.offsetWidth / 2, y = parseFloat(at[2]) + noteEl.offsetHeight;
  // Zoomed out, the dots keep their size on screen: targets of at least 24 CSS px (WCAG 2.5.8).
  const keep = camera.zoom < 1 ? ` scale(${1 / camera.zoom})` : "";
  el.style.transform = `translate(${x}px, ${y}px) translate(-50%, -50%)${keep}`;
}

function renderVotes() {
  const view = live.view();
  if (!view) return;
  const vote = latestVote();
  const open = vote && vote.closed_at === null;
  renderBar(vote, open);
  for (const [id, el] of dotEls) if (!view.notes.has(id)) { el.remove(); dotEls.delete(id); }
  for (const [id, noteEl] of noteEls) {
    const note = view.notes.get(id);
    const shows = note && vote && inVote(vote, note) && (open || vote.totals[note.id]);
    if (!shows) { if (dotEls.has(id)) dotEls.get(id).hidden = true; continue; }
    const el = dotsElement(id);
    el.hidden = false;
    place(el, noteEl);
    el.classList.toggle("closed", !open);
    const label = kindOf.get(note.kind)?.label ?? note.kind;
    const count = el.querySelector(".note-dots-count");
    for (const b of el.querySelectorAll("button")) b.hidden = !open;
    if (open) {
      const n = mine(vote)[note.id] ?? 0;
      count.textContent = `● ${n}`;
      count.setAttribute("aria-label", `your dots on this ${label.toLowerCase()}: ${n}`);
      el.querySelector("[data-vote=down]").disabled = n === 0;
      el.querySelector("[data-vote=up]").disabled = n >= vote.max_per_item || spent(vote) >= vote.budget;
      el.querySelector("[data-vote=down]").setAttribute("aria-label", `Take a dot off “${note.text}”`);
      el.querySelector("[data-vote=up]").setAttribute("aria-label", `Put a dot on “${note.text}”`);
    } else {
      const total = vote.totals[note.id] ?? 0;
      count.textContent = `● ${total}`;
      count.setAttribute("aria-label", `${total} dot${total === 1 ? "" : "s"} in the vote`);
    }
  }
}

function renderBar(vote, open) {
  if (!bar) return;
  bar.hidden = !open;
  if (!open) return;
  const left = vote.budget - spent(vote);
  const one = vote.on === "pathways" ? "pathway" : "note";
  const what = voteHeading(vote, (k) => kindOf.get(k)?.label ?? k);
  const forName = ui.actingFor ? live.view().participants.get(ui.actingFor)?.name : null;
  const whose = forName ? `${forName} has` : "you have";
  bar.querySelector("[data-vote-text]").textContent = isFacilitator && !forName
    ? `${what} open. Results show when you close it.`
    : `${what} ${whose} ${left} of ${vote.budget} dot${vote.budget === 1 ? "" : "s"} left (at most ${vote.max_per_item} on one ${one}).`;
}

export function listenForVotes() {
  if (!layer) return;
  const later = () => requestAnimationFrame(renderVotes); // after the notes are drawn and measured
  live.addEventListener("change", later);
  live.addEventListener("drag", later);
  onCameraChange(later);
  // The dots' buttons are not the board: no pan, no new note from them.
  for (const type of ["pointerdown", "dblclick", "keydown"]) layer.addEventListener(type, (e) => e.stopPropagation());
  layer.addEventListener("click", (e) => {
    const button = e.target.closest(".note-dots button");
    const vote = latestVote();
    if (!button || !vote || vote.closed_at !== null) return;
    const item = button.closest(".note-dots").dataset.id;
    const now = mine(vote)[item] ?? 0;
    const dots = button.dataset.vote === "up" ? now + 1 : now - 1;
    live.send("vote.cast", { item, dots, ...onBehalf() });
    say(`${dots} of your dots on this note; ${vote.budget - spent(vote) - (dots - now)} left.`);
  });
  bar?.querySelector("[data-action=vote-close]")?.addEventListener("click", () => {
    live.send("vote.close", {});
    toast("Vote closed: everyone sees the results now.");
  });
  form?.addEventListener("submit", (e) => {
    e.preventDefault();
    const kinds = [...form.querySelectorAll("[name=kind]:checked")].map((c) => c.value);
    const all = form.querySelectorAll("[name=kind]").length;
    const budget = parseInt(form.elements.budget.value, 10);
    const on = form.elements.on?.value || "notes";
    live.send("vote.open", {
      on,
      budget,
      max_per_item: Math.min(budget, parseInt(form.elements.max_per_item.value, 10)),
      anonymous: form.elements.anonymous.checked,
      // A vote on pathways (rule P48) names the kinds they run between; one on notes may narrow the kinds.
      ...(on === "pathways"
        ? { start: form.elements.start.value, end: form.elements.end.value }
        : { kinds: kinds.length === all || kinds.length === 0 ? null : kinds }),
      title: form.elements.title.value.trim(),
    });
    form.closest("details").open = false;
  });
}
