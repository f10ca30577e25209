// The list view stays live: when the map changes, the server re-renders the list (htmx), unless the person
// is in the middle of typing in it — then it waits until they leave the field.

import { Live } from "./live.js";

const root = document.querySelector("[data-list]");
const live = new Live({ workshopId: root.dataset.workshop, me: root.dataset.me });
let stale = false;
let timer = null;

function refresh() {
  const active = document.activeElement;
  if (active && active.closest("#list") && active.matches("input, textarea, select")) {
    stale = true;
    return;
  }
  stale = false;
  // A re-render must not fold away a row someone has just opened to edit: reopen the same rows after it.
  const open = [...document.querySelectorAll("#list details[open]")].map((d) => d.closest("li[id]")?.id);
  htmx.ajax("GET", `/w/${live.workshopId}/list/items`, { target: "#list", swap: "outerHTML" }).then(() => {
    for (const id of open) if (id) document.getElementById(id)?.querySelector("details")?.setAttribute("open", "");
  });
}

live.addEventListener("change", (e) => {
  if (e.detail?.snapshot && !stale) return; // the page was rendered from this state already
  clearTimeout(timer);
  timer = setTimeout(refresh, 150);
});
document.addEventListener("focusout", () => setTimeout(() => { if (stale) refresh(); }, 0));
live.addEventListener("connection", () => {
  const el = root.querySelector("[data-connection]");
  el.textContent = { live: "Live", connecting: "Connecting…", offline: "Offline" }[live.state];
  el.className = `connection ${live.state}`;
});
live.connect();
