// The list view's selection bar: notes ticked in the list (their checkboxes belong to its form, #chosen-form)
// are merged into the one chosen under "Merge into" (rule P43), or framed as a new named cluster (rule P44).
// The bar shows only while a note is ticked (a stylesheet rule, so without scripts too); here it says how
// many are ticked and offers just those notes to merge into.

const OPTION_TEXT = 60;

function short(text) {
  const chars = Array.from(text);
  return chars.length > OPTION_TEXT ? `${chars.slice(0, OPTION_TEXT - 1).join("")}…` : text;
}

export class ListSelection {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("[data-selection]");
    this.count = this.form.querySelector("[data-chosen-count]");
    this.into = this.form.querySelector("[name=into]");
    // "Clear selection" is a reset button (it unticks the notes without scripts too); the bar then hides, so the
    // keyboard goes back to the top of the list rather than nowhere.
    this.form.addEventListener("reset", () => setTimeout(() => {
      const lost = this.form.contains(document.activeElement) || document.activeElement === document.body;
      this.render(null);
      if (lost) this.root.querySelector("#add-heading")?.focus();
    }));
  }

  /** The ticked notes' ids, in the list's order. */
  chosen() {
    return [...this.root.querySelectorAll("input[name=chosen]:checked")].map((c) => c.value);
  }

  clear() {
    for (const c of this.root.querySelectorAll("input[name=chosen]:checked")) c.checked = false;
    this.render(null);
  }

  render(view) {
    const ids = this.chosen().filter((id) => !view || view.notes.has(id));
    const n = ids.length;
    const text = n ? `${n} note${n > 1 ? "s" : ""} selected` : "";
    if (this.count.textContent !== text) this.count.textContent = text;
    this.form.querySelector("button[value=merge]").disabled = n < 2;
    if (!view || this.into === document.activeElement) return;
    const want = JSON.stringify(ids.map((id) => [id, view.notes.get(id).text]));
    if (this.intoShown === want) return;
    this.intoShown = want;
    const was = this.into.value;
    this.into.replaceChildren(...ids.map((id) => new Option(short(view.notes.get(id).text), id)));
    if (ids.includes(was)) this.into.value = was;
  }
}
