// The board page: the canvas, its panels and the facilitator's console, live over the protocol client.
// Each concern is a module under board/: context (shared elements and state), viewport, render, panels,
// editing and input; notes' measured sizes, arrows, presentation mode, following a shared view, regions;
// keys for arrows, the notes' reading order, and others' changes said aloud; the workshop's phases, plan
// and timer, dot votes, the method's checks and how strong each pathway is.

import { listenForOthersChanges } from "./board/announce.js";
import { changedBoard, live, queueRender, setRenderer } from "./board/context.js";
import { isFollowing, listenForSharedViews } from "./board/follow.js";
import { listenForDrawer } from "./board/drawer.js";
import { listenForInput } from "./board/input.js";
import { listenForJoining } from "./board/joining.js";
import { listenForArrowKeys } from "./board/keyboard.js";
import { listenForNoteTools } from "./board/notetools.js";
import { MESSAGES, listenToControls, renderConnection, toast } from "./board/panels.js";
import { listenForSkipToBoard } from "./board/order.js";
import { listenForRemoval } from "./board/people.js";
import { listenForPhases } from "./board/phase.js";
import { listenForPlanEditor } from "./board/plan_editor.js";
import { listenForPresentation } from "./board/presentation.js";
import { listenForClusters } from "./board/clusters.js";
import { listenForLanes } from "./board/lanes.js";
import { listenForEvidence } from "./board/evidence_panel.js";
import { listenForChecks } from "./board/checks_panel.js";
import { listenForStrength } from "./board/strength_panel.js";
import { listenForNoteDetails } from "./board/note_details.js";
import { listenForLanesEditor } from "./board/lanes_editor.js";
import { listenForProxies } from "./board/proxies.js";
import { listenForSpotlight } from "./board/spotlight.js";
import { listenForVotes } from "./board/votes.js";
import { listenForPathwayVotes } from "./board/pathway_votes.js";
import { listenForPerspectives } from "./board/perspectives.js";
import { listenForStories } from "./board/stories.js";
import { listenForRegionKeys } from "./board/regions.js";
import { render } from "./board/render.js";
import { listenForSelection } from "./board/selection.js";
import { listenForTidy } from "./board/tidy.js";
import { listenForTouch } from "./board/touch.js";
import { listenForUndo } from "./board/undo.js";
import { measureEverything } from "./board/sizes.js";
import { applyCamera, fit, listenForWheel } from "./board/viewport.js";

setRenderer(render);
listenForTouch(); // before input.js: fingers are the touch module's, the mouse and pen input.js's
listenForInput();
listenForArrowKeys();
listenForSkipToBoard();
listenForOthersChanges();
listenForNoteTools();
listenForDrawer();
listenForWheel();
listenToControls();
listenForSharedViews();
listenForPresentation();
listenForJoining();
listenForRegionKeys();
listenForTidy();
listenForSelection();
listenForPhases();
listenForPlanEditor();
listenForVotes();
listenForPathwayVotes();
listenForStories();
listenForSpotlight();
listenForProxies();
listenForLanes();
listenForEvidence();
listenForChecks();
listenForStrength();
listenForNoteDetails();
listenForLanesEditor();
listenForClusters();
listenForRemoval();
listenForPerspectives();
live.addEventListener("change", changedBoard);
live.addEventListener("drag", queueRender);
live.addEventListener("presence", changedBoard);
live.addEventListener("connection", renderConnection);
live.addEventListener("pending", () => { renderConnection(); changedBoard(); });
live.addEventListener("problem", (e) => {
  const message = MESSAGES[e.detail.code] || e.detail.message; // the server's own words start in lower case
  toast(message.charAt(0).toUpperCase() + message.slice(1));
});
listenForUndo(); // after the general "problem" toast: a refused undo says more
let fitted = false;
live.addEventListener("change", (e) => {
  // Fit once the notes are drawn and measured (the frame after), unless a shared view is being followed.
  if (e.detail?.snapshot && !fitted) {
    fitted = true;
    requestAnimationFrame(() => requestAnimationFrame(() => { if (!isFollowing()) fit("auto"); }));
  }
});
document.fonts.ready.then(() => { measureEverything(); queueRender(); }); // sizes measured before fonts came
applyCamera("auto");
renderConnection();
live.connect();
window.pathweaver = live; // for the browser tests and the curious
