// People in the room without a device (rule P42): the facilitator puts them on the board by name, then adds
// notes and dots for them — choosing them under "Notes and dots for" — which are shown and exported as theirs.

import { isFacilitator, live, root, ui } from "./context.js";
import { toast } from "./panels.js";

const row = root.querySelector("[data-acting-for-row]");
const picker = root.querySelector("[data-acting-for]");
const form = root.querySelector("[data-proxy-add]");

/** Whose notes and dots this page makes now: the person's own, or someone's the facilitator acts for. */
export function actingFor() {
  return ui.actingFor || live.me;
}

/** The field that makes an operation someone else's, when the facilitator acts for them. */
export function onBehalf() {
  return ui.actingFor ? { on_behalf_of: ui.actingFor } : {};
}

function render() {
  const proxies = [...(live.view()?.participants.values() ?? [])].filter((p) => p.role === "proxy" && !p.removed); // not someone removed (P50)
  row.hidden = proxies.length === 0;
  const want = ["", ...proxies.map((p) => p.id)].join(",");
  if (picker.dataset.ids !== want) {
    picker.dataset.ids = want;
    picker.replaceChildren(new Option("me", ""), ...proxies.map((p) => new Option(p.name, p.id)));
    picker.value = ui.actingFor ?? "";
  }
}

export function listenForProxies() {
  if (!isFacilitator || !picker) return;
  live.addEventListener("change", render);
  picker.addEventListener("change", () => {
    ui.actingFor = picker.value || null;
    live.dispatchEvent(new CustomEvent("change", { detail: { actingFor: true } })); // dots show their ballot
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = form.elements.name.value.trim();
    if (!name) return;
    live.send("participant.proxy", { name });
    form.reset();
    toast(`${name} is on the board: choose them under “Notes and dots for” to add theirs.`);
  });
}
