// Colours people chose (a note kind's, a note's own) reach the page as data-colour attributes and are set
// here through the style API: the pages' Content-Security-Policy allows no inline style attributes, so a
// colour can never smuggle in other CSS. Elements added later (htmx swaps in the list view) are painted too.

function paint(root) {
  const found = root.matches("[data-colour]") ? [root] : [];
  for (const el of [...found, ...root.querySelectorAll("[data-colour]")]) {
    if (CSS.supports("color", el.dataset.colour)) el.style.setProperty("--colour", el.dataset.colour);
  }
}

paint(document.documentElement);
new MutationObserver((changes) => {
  for (const change of changes) {
    for (const node of change.addedNodes) if (node instanceof Element) paint(node);
  }
}).observe(document.documentElement, { childList: true, subtree: true });
