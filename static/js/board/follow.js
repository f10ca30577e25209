// "Bring everyone to my view". While the facilitator shares, every move of their camera goes out as the board
// region their screen shows (view.share, rule P33: transient, never stored); everyone else's board shows that
// region, whatever the size of their screen, until they pan or zoom themselves. A chip then offers the way back.

import { canvas, isFacilitator, live, root } from "./context.js";
import { say } from "./panels.js";
import { onCameraChange, showRegion, visibleRegion } from "./viewport.js";

const SEND_MS = 50; // a facilitator's pan goes out ~20 times a second; the server sends on ~30 at most anyway

const state = { sharing: false, shared: null, following: false };
let sendTimer = null;
let lastSent = 0;

const chip = root.querySelector("[data-follow-chip]");
const chipText = chip.querySelector("[data-follow-text]");
const back = chip.querySelector("[data-action=follow-back]");
const stop = chip.querySelector("[data-action=share-view-stop]");
const shareButton = root.querySelector("[data-action=share-view]");

/** Whether this board is showing the facilitator's shared view (so it should not fit itself). */
export function isFollowing() {
  return state.following && state.shared !== null;
}

function round(region) {
  const r = (v) => Math.round(v * 10) / 10;
  return { x: r(region.x), y: r(region.y), width: r(region.width), height: r(region.height) };
}

function sendNow() {
  clearTimeout(sendTimer);
  sendTimer = null;
  lastSent = performance.now();
  live.sendTransient("view.share", { view: round(visibleRegion()) });
}

/** Send the facilitator's view soon: at most every SEND_MS, and always the last one. */
function sendSoon() {
  if (!state.sharing || sendTimer) return;
  sendTimer = setTimeout(sendNow, Math.max(0, lastSent + SEND_MS - performance.now()));
}

function follow() {
  if (state.shared && state.following) showRegion(state.shared, { origin: "follow" });
}

function setSharing(on) {
  state.sharing = on;
  if (on) {
    state.shared = null;
    state.following = false;
    sendNow();
    say("Everyone now sees what you see; they can still move on their own.");
  } else {
    clearTimeout(sendTimer);
    sendTimer = null;
  }
  draw();
}

function stopSharing() {
  setSharing(false);
  live.sendTransient("view.share", { view: null });
}

function draw() {
  if (shareButton) {
    shareButton.setAttribute("aria-pressed", String(state.sharing));
    shareButton.textContent = state.sharing ? "Stop bringing everyone to my view" : "Bring everyone to my view";
  }
  const active = state.sharing || state.shared !== null;
  chip.hidden = !active;
  chip.classList.toggle("following", isFollowing());
  back.hidden = state.sharing || isFollowing();
  stop.hidden = !state.sharing;
  chipText.textContent = state.sharing ? "Everyone is following your view"
    : isFollowing() ? "Following the facilitator's view" : "The facilitator is showing a view";
}

/** Share and follow views: listens to the protocol client, the camera, the canvas size and the chip. */
export function listenForSharedViews() {
  live.addEventListener("view", (e) => {
    const { view, welcome } = e.detail;
    if (state.sharing) {
      // (Re)connected: the server may have lost our view (a restart); send it again. Any other view comes from
      // another facilitator's screen taking over: follow it.
      if (welcome) { queueMicrotask(sendNow); return; } // once the connection counts as live

      setSharing(false);
    }
    if (view === null) {
      state.shared = null;
      state.following = false;
    } else {
      if (state.shared === null) state.following = true; // a new sharing starts: everyone goes along
      state.shared = view;
      follow();
    }
    draw();
  });

  onCameraChange((origin) => {
    if (origin === "person" && isFollowing()) {
      state.following = false; // they looked elsewhere: stop pulling them back until they ask
      draw();
    }
    if (origin !== "follow") sendSoon();
  });

  // A window resized, a sidebar folded, presentation mode: show the same region in the new space.
  new ResizeObserver(() => { if (isFollowing()) follow(); else sendSoon(); }).observe(canvas);

  root.addEventListener("click", (e) => {
    const action = e.target.closest("[data-action]")?.dataset.action;
    if (action === "share-view" && isFacilitator) { if (state.sharing) stopSharing(); else setSharing(true); }
    if (action === "share-view-stop" && state.sharing) stopSharing();
    if (action === "follow-back" && state.shared) {
      state.following = true;
      follow();
      draw();
    }
  });
  draw();
}
