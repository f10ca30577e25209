// The facilitator's lanes editor (rule P45): the board's columns, left to right, each a label and the kinds
// whose notes go in it; saved as one `lanes.set` (an empty list takes the lanes away). While the facilitator
// edits, others' changes to the lanes do not overwrite the form.

import { kinds, live, root } from "./context.js";
import { toast } from "./panels.js";

const form = root.querySelector("[data-lanes-editor]");
const MAX_LANES = 12;
let dirty = false;

function laneRow(lane, index, count) {
  const li = document.createElement("li");
  li.className = "plan-phase lane-row";
  const label = document.createElement("label");
  label.append("Label", Object.assign(document.createElement("input"), { name: "label", value: lane.label, maxLength: 60, required: true }));
  const holds = document.createElement("fieldset");
  holds.append(Object.assign(document.createElement("legend"), { textContent: "Holds" }));
  for (const k of kinds) {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", name: `kind:${k.name}`, checked: lane.kinds.includes(k.name) });
    const check = document.createElement("label");
    check.className = "check";
    check.append(box, ` ${k.label}`);
    holds.append(check);
  }
  const tools = document.createElement("div");
  tools.className = "row wrap";
  for (const [action, text, disabled] of [["left", "Move left", index === 0], ["right", "Move right", index === count - 1], ["remove", "Remove", false]]) {
    const b = Object.assign(document.createElement("button"), { type: "button", textContent: text, disabled });
    b.dataset.laneAction = action;
    tools.append(b);
  }
  li.append(label, holds, tools);
  return li;
}

function readForm() {
  return [...form.querySelectorAll(".lane-row")].map((li) => ({
    label: li.querySelector("[name=label]").value.trim(),
    kinds: kinds.filter((k) => li.querySelector(`[name="kind:${k.name}"]`).checked).map((k) => k.name),
  }));
}

function fill(lanes) {
  form.querySelector("[data-lane-rows]").replaceChildren(...lanes.map((l, i) => laneRow(l, i, lanes.length)));
  form.querySelector("[data-action=lane-add]").disabled = lanes.length >= MAX_LANES;
}

/** What is wrong with the lanes as the server would judge them (rule P45), or null. */
function problem(lanes) {
  const seen = new Set();
  for (const [i, lane] of lanes.entries()) {
    if (!lane.label) return `Lane ${i + 1} needs a label.`;
    if (!lane.kinds.length) return `Lane ${i + 1} (“${lane.label}”) holds no kind of note.`;
    const twice = lane.kinds.find((k) => seen.has(k));
    if (twice) return `${kinds.find((k) => k.name === twice).label} is in two lanes; a kind goes in one.`;
    lane.kinds.forEach((k) => seen.add(k));
  }
  return null;
}

export function listenForLanesEditor() {
  if (!form) return;
  live.addEventListener("change", () => { if (!dirty && live.map) fill(live.map.lanes ?? []); });
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button || button.type === "submit") return;
    const lanes = readForm();
    const row = button.closest(".lane-row");
    const index = row ? [...form.querySelectorAll(".lane-row")].indexOf(row) : -1;
    const action = button.dataset.laneAction || button.dataset.action;
    if (action === "left" || action === "right") {
      const to = action === "left" ? index - 1 : index + 1;
      [lanes[index], lanes[to]] = [lanes[to], lanes[index]];
    } else if (action === "remove") lanes.splice(index, 1);
    else if (action === "lane-add") lanes.push({ label: `Lane ${lanes.length + 1}`, kinds: [] });
    else if (action === "lanes-by-kind") lanes.splice(0, lanes.length, ...kinds.slice(0, MAX_LANES).map((k) => ({ label: k.label, kinds: [k.name] })));
    else return;
    dirty = true;
    fill(lanes);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const lanes = readForm();
    const wrong = problem(lanes);
    if (wrong) { toast(wrong); return; }
    live.send("lanes.set", { lanes });
    dirty = false;
    toast(lanes.length ? `Lanes saved: ${lanes.length}.` : "Lanes taken away.");
  });
}
