// The workshop's plan of phases on the board (rules P36, P37): the phase bar everyone sees — where the room is
// in the plan, the phase's name, prompt and time box — the facilitator's Back and Next, and the kinds the
// current phase takes offered first. The server enforces what a phase allows; the page only stops offering
// what would be refused, and says so.

import { remainingMs } from "../live.js";
import { isFacilitator, kindPicker, live, root } from "./context.js";
import { say, toast } from "./panels.js";

const bar = root.querySelector("[data-phase-bar]");
let shownPhase = null; // "index:name" of the phase last shown, to announce a change once

/** The phase the room is in, or null before the board has loaded. */
export function currentPhase() {
  const plan = live.map?.plan;
  return plan ? plan.phases[plan.current] : null;
}

const SOUND_KEY = "pathweaver:timer-sound";
let chimedFor = null; // the timer (phase and start) whose end this page has already rung

/** 4:05, or 1:02:03 for a long time box. */
function clock(ms) {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** A soft two-note chime, made here (no sound file to fetch). */
function chime() {
  try {
    const audio = new AudioContext();
    for (const [i, freq] of [[0, 660], [1, 880]]) {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + i * 0.35 + 0.05);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + i * 0.35 + 0.9);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + i * 0.35);
      osc.stop(audio.currentTime + i * 0.35 + 1);
    }
  } catch { /* no audio here: the visual cue is enough */ }
}

/** The timer, counted in the server's time (rule P39): called on every change and four times a second. */
function renderTimer() {
  const plan = live.map?.plan;
  const box = bar?.querySelector("[data-phase-timer]");
  if (!plan || !box) return;
  const timer = plan.timer;
  const left = remainingMs(timer, live.serverNow());
  box.hidden = left === null;
  if (left === null) return;
  const running = timer.running_since !== null;
  const up = left <= 0;
  const text = up ? "Time is up" : `${clock(left)}${running ? "" : " (paused)"}`;
  const el = box.querySelector("[data-phase-time]");
  if (el.textContent !== text) el.textContent = text;
  bar.classList.toggle("time-up", up);
  bar.classList.toggle("time-low", !up && running && left <= 60_000);
  const toggle = box.querySelector("[data-action=timer-toggle]");
  if (toggle) toggle.textContent = running ? "Pause" : (timer.elapsed_ms ? "Resume" : "Start");
  const key = `${plan.current}:${plan.changed_at}:${timer.running_since}:${timer.seconds}`;
  if (up && running && chimedFor !== key) {
    chimedFor = key;
    say("Time is up for this phase.");
    if (box.querySelector("[data-timer-sound]").checked) chime();
  }
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
  renderTimer();
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
  const who = phase.facilitator_sees ? "only you and the facilitator" : "only you";
  // A phone shows the short line: the board needs the height. Screen readers get the whole sentence.
  const whole = Object.assign(document.createElement("span"), {
    className: "phase-private-long", textContent: `🔒 Your new notes are private: ${who} see them until the facilitator reveals them.`,
  });
  const short = Object.assign(document.createElement("span"), {
    className: "phase-private-short", textContent: `🔒 Private: ${who} see your notes`,
  });
  short.setAttribute("aria-hidden", "true");
  note.replaceChildren(whole, short);
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
  setInterval(renderTimer, 250);
  const sound = bar.querySelector("[data-timer-sound]");
  sound.checked = localStorage.getItem(SOUND_KEY) === "on";
  sound.addEventListener("change", () => localStorage.setItem(SOUND_KEY, sound.checked ? "on" : "off"));
  bar.addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    const plan = live.map?.plan;
    if (!button || !plan || !isFacilitator) return;
    if (button.dataset.action === "timer-toggle") live.send(plan.timer.running_since === null ? "timer.start" : "timer.pause", {});
    if (button.dataset.action === "timer-add") live.send("timer.add", { seconds: 60 });
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
