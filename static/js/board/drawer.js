// On a small screen the canvas gets the screen: the header's details and the side panels (people, the
// facilitator's console, exports, help) fold into a drawer behind a Menu button, which opens and closes it by
// tap, click or keyboard (Escape closes it and gives the focus back). On a large screen the button is not shown
// and nothing folds; the list view stays one tap away. Also here: the + Note button on the canvas, and the empty
// board's hint, which speaks touch on a touch screen.

import { canvas, root } from "./context.js";
import { addNoteAt, freeSpot } from "./editing.js";
import { coarse } from "./notetools.js";

const TOUCH_HINT = "Tap + Note to add a note, or double-tap the board.";
const small = matchMedia("(max-width: 760px)");

const toggle = root.querySelector("[data-drawer-toggle]");
const drawer = root.querySelector(".sidebar");

function setOpen(open, { focus = false } = {}) {
  root.classList.toggle("drawer-open", open);
  toggle.setAttribute("aria-expanded", String(open));
  toggle.querySelector("[data-drawer-label]").textContent = open ? "Close" : "Menu";
  if (open && focus) drawer.querySelector("button, a[href], input, select, textarea, summary")?.focus();
}

/** On a phone, fold the drawer away so that what was just lit on the board can be seen. */
export function closeDrawerOnSmallScreens() {
  if (small.matches && toggle && root.classList.contains("drawer-open")) setOpen(false);
}

/** The Menu button, and the hint on an empty board. */
export function listenForDrawer() {
  const hint = root.querySelector("[data-empty]");
  const desktopHint = hint.textContent;
  const sayHint = () => { hint.textContent = coarse.matches ? TOUCH_HINT : desktopHint; };
  sayHint();
  coarse.addEventListener("change", sayHint);
  // The add button sits on the canvas: pressing it is not the start of a pan, nor half of a double-click.
  const add = root.querySelector("[data-add-fab]");
  for (const type of ["pointerdown", "dblclick"]) add?.addEventListener(type, (e) => e.stopPropagation());
  add?.addEventListener("click", () => { const p = freeSpot(); addNoteAt(p.x, p.y); });
  if (!toggle || !drawer) return;
  toggle.addEventListener("click", (e) => {
    // Opened from the keyboard, the focus goes into the drawer; a tap leaves it on the button.
    setOpen(!root.classList.contains("drawer-open"), { focus: e.detail === 0 });
  });
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !root.classList.contains("drawer-open") || !small.matches) return;
    const inside = drawer.contains(e.target) || root.querySelector(".topbar").contains(e.target);
    if (!inside) return;
    e.stopPropagation();
    setOpen(false);
    toggle.focus();
  });
  // Back to the board: a touch on the canvas closes the drawer over it.
  root.addEventListener("pointerdown", (e) => {
    if (small.matches && root.classList.contains("drawer-open") && canvas.contains(e.target)) setOpen(false);
  }, true);
  small.addEventListener("change", () => setOpen(false));
}
