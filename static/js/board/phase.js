// The workshop's plan of phases on the board (rules P36, P37): the phase bar everyone sees — where the room is
// in the plan, the phase's name, prompt and time box — the facilitator's Back and Next, and the kinds the
// current phase takes offered first. The server enforces what a phase allows; the page only stops offering
// what would be refused, and says so.

import { isFacilitator, kindPicker, live, root } from "./context.js";
import { say, toast } from "./panels.js";

const bar = root.querySelector("[data-phase-bar]");
let shownPhase = null; // "index:name" of the phase last shown, to announce a change once

/** The phase the room is in, or null before the board has loaded. */
export function currentPhase() {
  const plan = live.map?.plan;
  return plan ? plan.phases[plan.current] : null;
}

function minutes(seconds) {
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

function renderBar() {
  const plan = live.map?.plan;
  if (!plan || !bar) return;
  bar.hidden = !plan.changed_at; // a workshop that never had a plan set: the board as it always was
  root.classList.toggle("has-phases", !bar.hidden);
  const phase = plan.phases[plan.current];
  bar.querySelector("[data-phase-step]").textContent = `Phase ${plan.current + 1} of ${plan.phases.length}`;
  bar.querySelector("[data-phase-name]").textContent = phase.name;
  bar.querySelector("[data-phase-prompt]").textContent = phase.prompt;
  bar.querySelector("[data-phase-time]").textContent = phase.seconds ? `Time box: ${minutes(phase.seconds)}` : "";
  const back = bar.querySelector("[data-action=phase-back]");
  const next = bar.querySelector("[data-action=phase-next]");
  if (back) back.disabled = plan.current === 0;
  if (next) next.disabled = plan.current === plan.phases.length - 1;
  renderPrivacy(plan, phase);
  const key = `${plan.current}:${phase.name}`;
  if (shownPhase !== null && shownPhase !== key) {
    toast(`Now: ${phase.name}${phase.prompt ? ` — ${phase.prompt}` : ""}`);
    say(`The workshop moved to phase ${plan.current + 1}: ${phase.name}`);
  }
  shownPhase = key;
  offerKinds(phase);
}

/** Participants are told their notes are private; the facilitator gets Reveal while there may be some. */
function renderPrivacy(plan, phase) {
  const note = bar.querySelector("[data-phase-private]");
  note.hidden = !phase.private || isFacilitator;
  note.textContent = `🔒 Your new notes are private: only you${phase.facilitator_sees ? " and the facilitator" : ""} see them until the facilitator reveals them.`;
  const reveal = bar.querySelector("[data-phase-reveal]");
  if (!reveal) return;
  const seen = [...live.view().notes.values()].filter((n) => n.private).length;
  const sofar = plan.phases.slice(0, plan.current + 1);
  reveal.hidden = !seen && !sofar.some((p) => p.private);
  reveal.querySelector("[data-action=reveal]").textContent = seen ? `Reveal ${seen} private note${seen > 1 ? "s" : ""}` : "Reveal private notes";
  const anonymous = reveal.querySelector("[data-reveal-anonymous]");
  if (!anonymous.dataset.touched) anonymous.checked = sofar.some((p) => p.private && p.anonymous);
}

/** The new-note kind picker offers only the kinds this phase takes (the facilitator keeps every kind). */
function offerKinds(phase) {
  if (!kindPicker || isFacilitator) return;
  const allowed = phase.kinds === null ? null : new Set(phase.kinds);
  for (const option of kindPicker.options) option.disabled = allowed !== null && !allowed.has(option.value);
  if (kindPicker.selectedOptions[0]?.disabled) {
    const first = [...kindPicker.options].find((o) => !o.disabled);
    if (first) kindPicker.value = first.value;
  }
  const add = root.querySelector("[data-action=add-note]");
  if (add) add.disabled = allowed !== null && allowed.size === 0;
}

export function listenForPhases() {
  if (!bar) return;
  bar.querySelector("[data-reveal-anonymous]")?.addEventListener("change", (e) => { e.target.dataset.touched = "1"; });
  live.addEventListener("change", renderBar);
  bar.addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    const plan = live.map?.plan;
    if (!button || !plan || !isFacilitator) return;
    if (button.dataset.action === "reveal") {
      const anonymous = bar.querySelector("[data-reveal-anonymous]").checked;
      live.send("notes.reveal", { anonymous });
      toast(anonymous ? "Private notes revealed to everyone, without names." : "Private notes revealed to everyone.");
    }
    if (button.dataset.action === "phase-back" && plan.current > 0) live.send("phase.go", { index: plan.current - 1 });
    if (button.dataset.action === "phase-next" && plan.current < plan.phases.length - 1) {
      live.send("phase.go", { index: plan.current + 1 });
    }
  });
}
