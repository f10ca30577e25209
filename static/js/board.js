// The board page: the canvas, its panels and the facilitator's console, live over the protocol client.
// Each concern is a module under board/: context (shared elements and state), viewport, render, panels,
// editing and input.

import { changedBoard, live, queueRender, setRenderer } from "./board/context.js";
import { listenForInput } from "./board/input.js";
import { MESSAGES, listenToControls, renderConnection, toast } from "./board/panels.js";
import { render } from "./board/render.js";
import { applyCamera, fit, listenForWheel } from "./board/viewport.js";

setRenderer(render);
listenForInput();
listenForWheel();
listenToControls();
live.addEventListener("change", changedBoard);
live.addEventListener("drag", queueRender);
live.addEventListener("presence", changedBoard);
live.addEventListener("connection", renderConnection);
live.addEventListener("pending", () => { renderConnection(); changedBoard(); });
live.addEventListener("problem", (e) => toast(MESSAGES[e.detail.code] || e.detail.message));
let fitted = false;
live.addEventListener("change", (e) => {
  if (e.detail?.snapshot && !fitted) { fitted = true; requestAnimationFrame(fit); }
});
applyCamera();
renderConnection();
live.connect();
window.pathweaver = live; // for the browser tests and the curious
