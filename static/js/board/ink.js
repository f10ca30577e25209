// A note's ink follows its colour: near-black on a light kind colour, white on a dark one (a custom kind or a
// note's own colour may be anything), whichever gives the text more contrast (WCAG AA asks for 4.5:1).

function luminance([r, g, b]) {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

const DARK_INK = luminance([17, 17, 17]); // app.css: .note-text is #111

/** Whether white text reads better than the usual dark text on this background (an rgb() string). */
export function wantsLightInk(background) {
  const rgb = background.match(/[\d.]+/g)?.slice(0, 3).map(Number);
  if (!rgb || rgb.length < 3) return false;
  const l = luminance(rgb);
  return 1.05 / (l + 0.05) > (l + 0.05) / (DARK_INK + 0.05);
}

/** Give a note the ink its background colour (`#rrggbb`, as just set) needs. Reading the colour back from the
 * page instead would make the browser work out every note's style in the middle of drawing a thousand. */
export function followInk(el, colour) {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  const background = hex ? `rgb(${hex.slice(1).map((h) => parseInt(h, 16)).join(", ")})` : getComputedStyle(el).backgroundColor;
  el.classList.toggle("on-dark", wantsLightInk(background));
}
