/**
 * The 比較に追加 toggle. Templates (and the search page's result cards) hold
 * an empty slot:
 *
 *   <div class="compare-slot" data-compare-toggle="<facility id>" data-compare-name="<facility name>"></div>
 *
 * and this module puts a real <button aria-pressed> into every slot,
 * including slots added to the page later (a MutationObserver watches the
 * document; code that renders cards may also call mountCompareToggles(node)).
 */
import { announce } from "./announce.js";
import { el } from "./dom.js";
import { getSelection, isFacilityId } from "./selection.js";

const SLOT = "[data-compare-toggle]";
const BUTTON = "[data-compare-button]";

/** The visible message shown next to a toggle that could not add (list full). */
function limitMessage(limit) {
  return `比較できるのは${limit}件までです。ほかの事業所を比較リストから外してから追加してください。`;
}

function facilityOf(slot) {
  const card = slot.closest("[data-facility-id]");
  const id = slot.dataset.compareToggle || (card && card.dataset.facilityId) || "";
  let name = slot.dataset.compareName || "";
  if (!name && card) {
    const heading = card.querySelector("h1, h2, h3, h4, h5, h6");
    name = heading ? heading.textContent.trim() : "";
  }
  return { id, name };
}

/** The words on the button: what pressing it does now, and — once added — that it is in the list. */
export const ADD_TEXT = "比較に追加";
export const ADDED_TEXT = "比較リストに追加済み";

function render(button, pressed) {
  button.setAttribute("aria-pressed", pressed ? "true" : "false");
  // The accessible name keeps the facility name and contains the visible words (voice control).
  const text = pressed ? ADDED_TEXT : ADD_TEXT;
  button.setAttribute("aria-label", `${button.dataset.compareName}を${text}`);
  button.querySelector("[data-compare-label]").textContent = text;
}

function mountToggle(slot, selection) {
  if (slot.dataset.compareMounted !== undefined) return;
  const { id, name } = facilityOf(slot);
  if (!isFacilityId(id) || !name) return;
  slot.dataset.compareMounted = "";

  const note = el("p", { class: "compare-toggle__note", hidden: true, "data-compare-note": id });
  const button = el(
    "button",
    // The facility name makes each button's accessible name unique (「カレントを比較に追加」,
    // once added 「カレントを比較リストに追加済み」); it contains the visible words, for voice control.
    { type: "button", class: "compare-toggle", "data-compare-button": id, "data-compare-name": name },
    el("span", { class: "compare-toggle__icon", "aria-hidden": "true" }),
    el("span", { "data-compare-label": "" }),
  );
  render(button, selection.has(id));
  button.addEventListener("click", () => {
    if (selection.has(id)) {
      selection.remove(id);
      announce(`${name}を比較リストから外しました。比較リストは${selection.ids.length}件です。`);
      return;
    }
    const result = selection.add(id);
    if (result === "added") {
      announce(`${name}を比較リストに追加しました。比較リストは${selection.ids.length}件です（最大${selection.limit}件）。`);
    } else if (result === "full") {
      note.textContent = limitMessage(selection.limit);
      note.hidden = false;
      announce(`${name}は追加できませんでした。${limitMessage(selection.limit)}`);
    }
  });
  slot.replaceChildren(button, note);
}

/** Sync every toggle on the page with the selection (after any change, in any tab). */
function refreshToggles(selection, change) {
  for (const button of document.querySelectorAll(BUTTON)) {
    render(button, selection.has(button.dataset.compareButton));
  }
  if (change.type !== "full") {
    for (const note of document.querySelectorAll("[data-compare-note]")) note.hidden = true;
  }
}

/**
 * Put a toggle into every slot inside `root` (and `root` itself if it is a slot).
 * Safe to call again: slots that already have a toggle are left alone.
 * @param {ParentNode & Node} [root]
 */
export function mountCompareToggles(root = document) {
  const selection = getSelection();
  if (root instanceof Element && root.matches(SLOT)) mountToggle(root, selection);
  for (const slot of root.querySelectorAll(SLOT)) mountToggle(slot, selection);
}

let watching = false;

/** Mount the toggles now, keep them in sync, and mount toggles in cards added later. */
export function watchCompareToggles() {
  if (watching) return;
  watching = true;
  const selection = getSelection();
  selection.subscribe((change) => refreshToggles(selection, change));
  mountCompareToggles(document);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof Element) mountCompareToggles(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}
