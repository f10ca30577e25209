// Presentation mode, for the projector: the board fills the screen under the focal question, with the join code
// and the number of people online in the top corner, and no sidebar, toolbar or status line. Entered and left
// with the Present button, the P key (when no field has focus), Escape, or by opening the board with ?present —
// the address to open on the projector's own screen.

import { live, root, ui } from "./context.js";
import { isFollowing } from "./follow.js";
import { fit } from "./viewport.js";

const PARAM = "present";
const bar = root.querySelector("[data-presenter]");
const presentButton = root.querySelector("[data-action=present]");

export function presenting() {
  return root.classList.contains("presenting");
}

function setPresenting(on, { fullScreen = false } = {}) {
  if (on === presenting()) return;
  root.classList.toggle("presenting", on);
  bar.hidden = !on;
  presentButton.setAttribute("aria-pressed", String(on));
  const url = new URL(location.href);
  if (on) url.searchParams.set(PARAM, "1"); else url.searchParams.delete(PARAM);
  history.replaceState(history.state, "", url); // a reload, or this address on the projector, presents again
  if (fullScreen && document.fullscreenEnabled) {
    if (on && !document.fullscreenElement) document.documentElement.requestFullscreen().catch(() => {});
    if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }
  drawPresenter();
  // The canvas changed size: fill it with the map, unless the facilitator's view is being followed.
  requestAnimationFrame(() => { if (!isFollowing()) fit("auto"); });
}

/**
 * What people type to join: an address and a code. A short join code, where the console offers one (an element
 * with data-short-code, on a line whose link is the address to type it at), wins over the join link's own code.
 */
function joinDetails() {
  const short = root.querySelector("[data-short-code]");
  const code = short?.dataset.shortCode;
  if (code) {
    const at = short.parentElement.querySelector("a")?.textContent.trim() || `${location.host}/join`;
    const half = Math.floor(code.length / 2);
    return { address: at, code: `${code.slice(0, half)} ${code.slice(half)}` };
  }
  const link = root.querySelector("[data-join-url]");
  if (!link?.value) return null;
  const url = new URL(link.value);
  const linkCode = url.pathname.split("/").pop();
  return { address: `${url.host}${url.pathname.slice(0, -linkCode.length)}`, code: linkCode };
}

function drawPresenter() {
  if (!presenting()) return;
  const workshop = live.view()?.workshop;
  const question = workshop?.question || workshop?.title || "";
  bar.querySelector("[data-presenter-question]").textContent = question;
  bar.querySelector("[data-presenter-title]").textContent = workshop?.question ? workshop.title : "";
  const online = live.online.size;
  bar.querySelector("[data-presenter-count]").textContent = `${online} ${online === 1 ? "person" : "people"} online`;
  const join = workshop?.joining === false ? null : joinDetails(); // no code on show while joining is closed
  const box = bar.querySelector("[data-presenter-join]");
  box.hidden = !join;
  if (join) {
    box.querySelector("[data-presenter-address]").textContent = join.address;
    box.querySelector("[data-presenter-code]").textContent = join.code;
    const qr = root.querySelector(".console [data-qr]"), small = box.querySelector("img");
    if (qr && small && small.getAttribute("src") !== qr.getAttribute("src")) small.src = qr.getAttribute("src");
  }
}

/** The Present button, the keys, the ?present address, and keeping the corner up to date. */
export function listenForPresentation() {
  root.addEventListener("click", (e) => {
    const action = e.target.closest("[data-action]")?.dataset.action;
    if (action === "present") setPresenting(!presenting(), { fullScreen: true });
  });
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest("input, textarea, select, [contenteditable]")) return;
    // A single-key shortcut only where it cannot be typing: the page itself or the board (WCAG 2.1.4).
    const onBoard = e.target === document.body || e.target.closest("[data-canvas]");
    if ((e.key === "p" || e.key === "P") && onBoard) {
      e.preventDefault();
      setPresenting(!presenting(), { fullScreen: true });
    } else if (e.key === "Escape" && presenting() && !e.target.closest(".note, .link") && !ui.linkFrom && !ui.selectedLink) {
      setPresenting(false, { fullScreen: true });
    }
  });
  for (const type of ["change", "presence"]) live.addEventListener(type, drawPresenter);
  // A new join link or short code (the console's "New join link") shows at once.
  const redraw = new MutationObserver(drawPresenter);
  const qr = root.querySelector(".console [data-qr]");
  if (qr) redraw.observe(qr, { attributes: true, attributeFilter: ["src"] });
  const short = root.querySelector("[data-short-code]");
  if (short) redraw.observe(short, { attributes: true, attributeFilter: ["data-short-code"] });
  if (new URLSearchParams(location.search).has(PARAM)) setPresenting(true);
}
