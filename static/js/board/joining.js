// The facilitator's joining controls: the short code people type at /join (and a new one on request), and the
// switch that closes or opens joining for new people (workshop.joining, rule P34). Everyone already on the
// board carries on either way; presentation mode hides the code while joining is closed.

import { live, root } from "./context.js";
import { toast } from "./panels.js";

function showJoining() {
  // The switch as last flipped here (waiting to be stored), else as the board has it.
  const flipped = live.pending.filter((op) => op.op === "workshop.joining").pop();
  const open = flipped ? flipped.open : live.map?.workshop.joining !== false;
  const box = root.querySelector("[data-action=joining]");
  if (box) box.checked = open;
  const closed = root.querySelector("[data-joining-closed]");
  if (closed) closed.hidden = open;
}

async function newShortCode() {
  if (!confirm("Replace the short code? The old one stops working; people already here stay.")) return;
  const r = await fetch(`/api/workshops/${live.workshopId}/short-code`, { method: "POST" });
  if (!r.ok) { toast("The short code could not be replaced; try again."); return; }
  const { short_code: code } = await r.json();
  const shown = root.querySelector("[data-short-code]");
  shown.textContent = `${code.slice(0, 3)} ${code.slice(3)}`;
  shown.dataset.shortCode = code; // presentation mode watches this
  toast("New short code ready; the old one no longer works.");
}

/** The controls, and keeping them in step with the board (another of the facilitator's windows may flip them). */
export function listenForJoining() {
  if (!root.querySelector("[data-action=joining]")) return; // not the facilitator
  root.addEventListener("click", (e) => {
    if (e.target.closest("[data-action=rotate-short-code]")) newShortCode();
  });
  root.addEventListener("change", (e) => {
    if (e.target.matches("[data-action=joining]")) live.send("workshop.joining", { open: e.target.checked });
  });
  live.addEventListener("change", showJoining);
}
