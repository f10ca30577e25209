// The facilitator's plan editor (rule P36): the phases of the workshop, each with its name, prompt, time box
// and what participants may do in it; a suggested plan for impact mapping to start from; saved as one
// `plan.set`. While the facilitator edits, others' changes to the plan do not overwrite the form.

import { kinds, live, root } from "./context.js";
import { toast } from "./panels.js";

const form = root.querySelector("[data-plan-editor]");
let dirty = false; // the form holds edits not yet saved

/** A plan to start from: name impacts on your own, map the pathways together, then test the links. */
function suggestedPlan() {
  const names = new Set(kinds.map((k) => k.name));
  const impactsOnly = names.has("impact") ? ["impact"] : null;
  const assumptions = names.has("assumption") ? ["assumption"] : null;
  return [
    { name: "Name the impacts", prompt: "On your own: what impact do we seek, or have we had? One impact per note.",
      seconds: 600, kinds: impactsOnly, link: false, move: true, edit_others: false,
      private: true, facilitator_sees: true, anonymous: false },
    { name: "Map the pathways", prompt: "Together: how was each impact reached? Add activities, outputs and outcomes, and link them.",
      seconds: 1800, kinds: null, link: true, move: true, edit_others: true },
    { name: "Test the links", prompt: "What does each link rest on? Add the assumptions behind it.",
      seconds: 1200, kinds: assumptions, link: true, move: true, edit_others: false },
  ];
}

function field(labelText, input) {
  const label = document.createElement("label");
  label.append(labelText, input);
  return label;
}

function check(name, checked, text) {
  const input = Object.assign(document.createElement("input"), { type: "checkbox", name, checked });
  const label = document.createElement("label");
  label.className = "check";
  label.append(input, ` ${text}`);
  return label;
}

function phaseRow(phase, index, count) {
  const li = document.createElement("li");
  li.className = "plan-phase";
  li.append(
    field("Name", Object.assign(document.createElement("input"), { name: "name", value: phase.name, maxLength: 80, required: true })),
    field("Prompt", Object.assign(document.createElement("textarea"), { name: "prompt", value: phase.prompt, maxLength: 1000, rows: 2 })),
    field("Minutes (empty: no time box)", Object.assign(document.createElement("input"), {
      name: "minutes", type: "number", min: 1, max: 480, value: phase.seconds ? String(Math.round(phase.seconds / 60)) : "",
    })),
  );
  const takes = document.createElement("fieldset");
  takes.append(Object.assign(document.createElement("legend"), { textContent: "Participants may add" }));
  for (const k of kinds) takes.append(check(`kind:${k.name}`, phase.kinds === null || phase.kinds.includes(k.name), k.label));
  const may = document.createElement("fieldset");
  may.append(Object.assign(document.createElement("legend"), { textContent: "Participants may" }));
  may.append(check("link", phase.link, "link notes"), check("move", phase.move, "move notes"),
    check("edit_others", phase.edit_others, "change others' notes"));
  const privacy = document.createElement("fieldset");
  privacy.append(Object.assign(document.createElement("legend"), { textContent: "Private" }));
  privacy.append(check("private", Boolean(phase.private), "each on their own: new notes hidden until revealed"),
    check("facilitator_sees", phase.facilitator_sees !== false, "you see them before the reveal"),
    check("anonymous", Boolean(phase.anonymous), "reveal without names"));
  const tools = document.createElement("div");
  tools.className = "row wrap";
  for (const [action, text, disabled] of [["up", "Move up", index === 0], ["down", "Move down", index === count - 1], ["remove", "Remove", count === 1]]) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: text, disabled });
    b.dataset.planAction = action;
    tools.append(b);
  }
  li.append(takes, may, privacy, tools);
  return li;
}

function readForm() {
  return [...form.querySelectorAll(".plan-phase")].map((li) => {
    const value = (name) => li.querySelector(`[name="${name}"]`);
    const chosen = kinds.filter((k) => value(`kind:${k.name}`).checked).map((k) => k.name);
    const mins = parseInt(value("minutes").value, 10);
    return {
      name: value("name").value.trim() || "Phase",
      prompt: value("prompt").value.trim(),
      seconds: Number.isFinite(mins) && mins > 0 ? Math.min(mins, 480) * 60 : null,
      kinds: chosen.length === kinds.length ? null : chosen,
      link: value("link").checked,
      move: value("move").checked,
      edit_others: value("edit_others").checked,
      private: value("private").checked,
      facilitator_sees: value("facilitator_sees").checked,
      anonymous: value("anonymous").checked,
    };
  });
}

function fill(phases) {
  const list = form.querySelector("[data-plan-phases]");
  list.replaceChildren(...phases.map((p, i) => phaseRow(p, i, phases.length)));
}

export function listenForPlanEditor() {
  if (!form) return;
  live.addEventListener("change", () => { if (!dirty && live.map?.plan) fill(live.map.plan.phases); });
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    const phases = readForm();
    const row = button.closest(".plan-phase");
    const index = row ? [...form.querySelectorAll(".plan-phase")].indexOf(row) : -1;
    const action = button.dataset.planAction || button.dataset.action;
    if (action === "up" || action === "down") {
      const to = action === "up" ? index - 1 : index + 1;
      [phases[index], phases[to]] = [phases[to], phases[index]];
    } else if (action === "remove") phases.splice(index, 1);
    else if (action === "plan-add") phases.push({ name: `Phase ${phases.length + 1}`, prompt: "", seconds: null, kinds: null, link: true, move: true, edit_others: true });
    else if (action === "plan-suggest") phases.splice(0, phases.length, ...suggestedPlan());
    else return;
    dirty = true;
    fill(phases);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const phases = readForm();
    const current = Math.min(live.map?.plan?.current ?? 0, phases.length - 1);
    live.send("plan.set", { phases, current });
    dirty = false;
    toast(`Plan saved: ${phases.length} phase${phases.length > 1 ? "s" : ""}.`);
  });
}
