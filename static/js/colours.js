// Colours people chose (a note kind's, a note's own) reach the page as data-colour attributes. The pages'
// Content-Security-Policy allows no inline styles, so each colour becomes one rule in a stylesheet built
// here through the CSSOM — `[data-colour="#1f77b4"] { --colour: #1f77b4 }` — and only values the browser
// reads as a colour get a rule, so a colour can never smuggle in other CSS. (Not el.style: htmx copies the
// style attribute of elements it swaps, and writing that attribute is what the policy refuses.) Elements
// added later, and colours changed later (the list view draws its rows in place), are picked up too.

const sheet = new CSSStyleSheet();
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
const known = new Set();

function define(colour) {
  if (known.has(colour)) return;
  known.add(colour);
  if (!CSS.supports("color", colour)) return;
  const rule = sheet.cssRules[sheet.insertRule(`[data-colour="${CSS.escape(colour)}"] {}`, sheet.cssRules.length)];
  rule.style.setProperty("--colour", colour);
}

function paint(root) {
  if (root.matches("[data-colour]")) define(root.dataset.colour);
  for (const el of root.querySelectorAll("[data-colour]")) define(el.dataset.colour);
}

paint(document.documentElement);
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.type === "attributes" && change.target.dataset.colour) define(change.target.dataset.colour); // recoloured
    for (const node of change.addedNodes) if (node instanceof Element) paint(node);
  }
}).observe(document.documentElement, { childList: true, subtree: true, attributeFilter: ["data-colour"] });
