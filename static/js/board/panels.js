// The panels around the board: people, the facilitator's console, the selected link, the connection, toasts
// and the status line read by screen readers; and the controls in them.

import { canvas, live, root, status, ui } from "./context.js";
import { addNoteAt, freeSpot, send } from "./editing.js";
import { renderEvidence } from "./evidence_panel.js";
import { renderNoteDetails } from "./note_details.js";
import { renderPeople } from "./people.js";
import { fit, zoomAround } from "./viewport.js";

export const MESSAGES = {
  board_locked: "The facilitator has locked the board.",
  note_deleted: "Someone deleted that note.",
  note_missing: "That note is no longer on the board.",
  link_duplicate: "Those notes are already linked that way.",
  link_self: "A note cannot link to itself.",
  facilitator_only: "Only the facilitator can do that.",
  text_too_long: "That is too long for a note (2,000 characters at most).",
  rate_limited: "Too many changes at once: the last ones were not saved.",
  participant_removed: "The facilitator removed you from this workshop.",
};

export function renderPanels(view) {
  renderPeople(view);
  const lockButton = root.querySelector("[data-action=lock]");
  if (lockButton) {
    lockButton.textContent = view.workshop.locked ? "Unlock the board" : "Lock the board";
    lockButton.setAttribute("aria-pressed", String(view.workshop.locked));
  }
  const share = root.querySelector("[data-action=share-exports]");
  // (not while the facilitator's own click on it waits to be stored: the box would flick back and forth)
  if (share && !live.pending.some((op) => op.op === "workshop.share_exports")) {
    share.checked = Boolean(view.workshop.exports_for_participants);
  }
  const exportsPanel = root.querySelector("[data-participant-exports]"); // a participant's, once shared
  if (exportsPanel) exportsPanel.hidden = !view.workshop.exports_for_participants;
  renderNoteDetails();
  const linkPanel = root.querySelector("[data-link-panel]");
  const link = ui.selectedLink && view.links.get(ui.selectedLink);
  linkPanel.hidden = !link;
  if (link) {
    const input = linkPanel.querySelector("input");
    if (document.activeElement !== input) input.value = link.label;
    const a = view.notes.get(link.source), b = view.notes.get(link.target);
    linkPanel.querySelector("[data-link-ends]").textContent = `${a ? a.text : "?"} → ${b ? b.text : "?"}`;
    renderEvidence(view, link);
  }
}

export function renderConnection() {
  const el = root.querySelector("[data-connection]");
  const labels = {
    live: "Live", connecting: "Connecting…", offline: "Offline — your changes are kept", removed: "Removed from this workshop",
  };
  el.textContent = labels[live.state];
  el.className = `connection ${live.state}`;
  const pending = root.querySelector("[data-pending]");
  pending.textContent = live.pending.length ? `${live.pending.length} change${live.pending.length > 1 ? "s" : ""} waiting to be saved` : "";
}

export function say(message) {
  status.textContent = message;
}

/** Show a message for a while; with an action ({label, shortcut, run}), a button for it too. */
export function toast(message, action) {
  const el = root.querySelector("[data-toast]");
  const text = document.createElement("span");
  text.textContent = message;
  el.replaceChildren(text);
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "toast-action";
    button.textContent = action.label;
    if (action.shortcut) button.setAttribute("aria-keyshortcuts", action.shortcut);
    button.addEventListener("click", () => { el.hidden = true; action.run(); });
    el.append(button);
  }
  el.hidden = false;
  clearTimeout(toast.timer);
  // Long enough to act on; never while the pointer or the focus is on it.
  const hide = () => {
    if (el.matches(":hover, :focus-within")) toast.timer = setTimeout(hide, 1000);
    else el.hidden = true;
  };
  toast.timer = setTimeout(hide, action ? 10000 : 5000);
}

/** The console, the zoom buttons and the link panel. */
export function listenToControls() {
  root.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "add-note") { const p = freeSpot(); addNoteAt(p.x, p.y); }
    if (action === "zoom-in") zoomAround(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.25);
    if (action === "zoom-out") zoomAround(canvas.clientWidth / 2, canvas.clientHeight / 2, 0.8);
    if (action === "fit") fit();
    if (action === "lock") live.send(live.map.workshop.locked ? "workshop.unlock" : "workshop.lock", {});
    if (action === "delete-link" && ui.selectedLink) { send("link.delete", { id: ui.selectedLink }); ui.selectedLink = null; }
    if (action === "copy-link") {
      const input = root.querySelector("[data-join-url]");
      try { await navigator.clipboard.writeText(input.value); toast("Join link copied."); }
      catch { input.select(); document.execCommand("copy"); toast("Join link copied."); }
    }
    if (action === "rotate-link") {
      if (!confirm("Replace the join link? The old link and QR code stop working; people already here stay.")) return;
      const r = await fetch(`/api/workshops/${live.workshopId}/join-code`, { method: "POST" });
      if (r.ok) {
        const body = await r.json();
        root.querySelector("[data-join-url]").value = body.join_url;
        const qr = root.querySelector("[data-qr]");
        qr.src = `${qr.src.split("?")[0]}?v=${Date.now()}`;
        toast("New join link ready; the old one no longer works.");
      }
    }
  });

  root.addEventListener("change", (e) => {
    if (e.target.matches("[data-action=share-exports]")) live.send("workshop.share_exports", { enabled: e.target.checked });
  });

  root.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches("[data-rename]")) {
      e.preventDefault();
      const title = form.elements.title.value.trim();
      const question = form.elements.question.value.trim();
      if (title) live.send("workshop.rename", { title, question });
    }
    if (form.matches("[data-link-panel]")) {
      e.preventDefault();
      if (ui.selectedLink) send("link.update", { id: ui.selectedLink, label: form.elements.label.value.trim() });
    }
  });
}
