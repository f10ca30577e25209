// What the list view's evidence, endorsement and group forms ask for (rules P46, P51), as protocol operations —
// the ones the board's link panel and Perspectives send. Without scripts the same forms post to the server
// (server/web/list_evidence.py reads them alike); here they go through the live client, which queues them
// while offline. Also the person's stakeholder group picker, kept up with the groups the facilitator names.

import { readSource } from "./evidence_summary.js";
import { short } from "./list_dom.js";

const MAX_SOURCES = 20; // server/board/evidence.py MAX_SOURCES

function linkName(view, link) {
  return `the link to ${short(view.notes.get(link.target)?.text ?? "?", 60)}`;
}

/** {op, fields, said} for one of these forms, {refused} when it cannot be done, null for no change; undefined
 *  when the form is not one of them. `actingFor`: the person without a device the facilitator acts for (P42). */
export function evidenceOperationFor(data, view, actingFor) {
  const behalf = actingFor ? { on_behalf_of: actingFor } : {};
  const link = view.links.get(data.link);
  switch (data.action) {
    case "confidence": {
      if (!link) return { refused: "That link is no longer on the board." };
      const value = data.value ? Number(data.value) : null;
      return { op: "confidence.set", fields: { id: link.id, value, ...behalf },
               said: value ? `Your confidence in ${linkName(view, link)}: ${value} of 5.` : "Your confidence taken back." };
    }
    case "endorse": {
      const item = view.links.get(data.item) ?? view.notes.get(data.item);
      if (!item) return { refused: "That is no longer on the board." };
      const on = data.on !== "false";
      return { op: "endorse", fields: { id: item.id, on, ...behalf }, said: on ? "Endorsed." : "Endorsement taken back." };
    }
    case "group": {
      const group = data.group || null;
      const label = (view.groups ?? []).find((g) => g.id === group)?.label;
      return { op: "participant.group", fields: { group }, said: label ? `Your group: ${label}.` : "You are in no group." };
    }
    case "assumption": {
      if (!link) return { refused: "That link is no longer on the board." };
      if (!data.note) return { refused: "Choose the note it rests on." };
      const attached = data.attached !== "false";
      const text = short(view.notes.get(data.note)?.text ?? "?", 60);
      return { op: "link.assumption", fields: { id: link.id, note: data.note, attached },
               said: attached ? `It rests on “${text}”.` : `“${text}” taken off.` };
    }
    case "evidence": {
      if (!link) return { refused: "That link is no longer on the board." };
      const lines = (data.sources || "").split("\n").map((l) => l.trim()).filter(Boolean);
      const sources = [];
      for (const line of lines.slice(0, MAX_SOURCES + 1)) {
        const [ref, ...title] = line.split(" ");
        const source = readSource(ref, title.join(" ").trim());
        if (!source) return { refused: `“${short(ref, 80)}” is neither a web address (https://…) nor a DOI (10.1234/…).` };
        sources.push(source);
      }
      return { op: "link.evidence",
               fields: { id: link.id, mechanism: (data.mechanism || "").trim(), support: data.support ?? [], sources,
                         strength: data.strength || null },
               said: `Evidence saved for ${linkName(view, link)}.` };
    }
    default:
      return undefined;
  }
}

/** The "Your stakeholder group" form: shown once there are groups, with this person's group chosen. */
export function renderGroupForm(root, view, me, locked) {
  const form = root.querySelector("[data-group-form]");
  const groups = view.groups ?? [];
  form.hidden = locked || !groups.length;
  const picker = form.querySelector("select");
  const mine = view.participants.get(me)?.group ?? "";
  const key = JSON.stringify([groups, mine]);
  if (picker.dataset.shown === key || picker === document.activeElement) return;
  picker.dataset.shown = key;
  picker.replaceChildren(new Option("None", "", false, !mine), ...groups.map((g) => new Option(g.label, g.id, false, g.id === mine)));
}
