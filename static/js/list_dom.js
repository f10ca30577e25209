// The list view's small DOM helpers, shared by its modules: elements made from plain values (user text only as
// text and attribute values, never as markup), and changes made only where something differs, so that what
// someone is doing on the page is never disturbed.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== false && value != null) el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children);
  return el;
}

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

// A field shows the map's value unless the person is in it (it catches up when they leave: the caller
// renders again on focusout) or has changed it without saving: defaultValue moves, and the browser keeps a
// value the person edited (its "dirty" flag) — so what someone is typing is never overwritten.
export function setDefault(field, value) {
  if (field !== document.activeElement && field.defaultValue !== value) field.defaultValue = value;
}

// Move a node without losing its state: moveBefore keeps focus, a caret and an open <details> where the browser
// has it; elsewhere insertBefore does (and the caller restores focus).
export function place(parent, node, before) {
  if (parent.moveBefore && node.isConnected && parent.isConnected) {
    try { parent.moveBefore(node, before); return; } catch { /* fall back below */ }
  }
  parent.insertBefore(node, before);
}

// Make `nodes` the first children of `parent`, in this order, touching only those out of place.
export function arrange(parent, nodes) {
  let cursor = parent.firstChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextSibling;
    else place(parent, node, cursor);
  }
}

// The first `length` characters, counted as the server's templates count them (code points, so an emoji is
// never cut in half).
export function short(text, length) {
  return text.length > length ? Array.from(text).slice(0, length).join("") : text;
}
