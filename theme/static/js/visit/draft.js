/**
 * The composer form's draft: read from the form, kept in sessionStorage for
 * this tab only (never localStorage, never sent), and put back on reload.
 * The sensitive field (support) is never stored.
 */
import { cleanDraft } from "./message.js";

export const DRAFT_KEY = "shuronavi.visit.draft";
const STORED_FIELDS = ["purpose", "writer", "name", "dates", "reply", "reply_to", "notes"];

function session() {
  try {
    const store = window.sessionStorage;
    const probe = `${DRAFT_KEY}.probe`;
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return null;
  }
}

/** @param {HTMLFormElement} form */
export function readDraft(form) {
  const data = new FormData(form);
  return cleanDraft(Object.fromEntries([...data.entries()].map(([key, value]) => [key, String(value)])));
}

/** Put stored values back into the form (radio groups by value). */
function fillForm(form, values) {
  for (const name of STORED_FIELDS) {
    if (typeof values[name] !== "string") continue;
    const field = form.elements.namedItem(name);
    if (!field) continue;
    if (field instanceof RadioNodeList) {
      for (const radio of field) radio.checked = radio.value === values[name];
    } else {
      field.value = values[name];
    }
  }
}

/**
 * @param {HTMLFormElement} form
 * @returns {{save: () => void, clear: () => void}}
 */
export function keepDraft(form) {
  const store = session();
  if (store) {
    try {
      const values = JSON.parse(store.getItem(DRAFT_KEY) || "{}");
      if (values && typeof values === "object") fillForm(form, values);
    } catch {
      store.removeItem(DRAFT_KEY);
    }
  }
  return {
    save() {
      if (!store) return;
      const draft = readDraft(form);
      const kept = Object.fromEntries(STORED_FIELDS.map((name) => [name, draft[name]]));
      try {
        store.setItem(DRAFT_KEY, JSON.stringify(kept));
      } catch {
        /* full or blocked: the draft simply lives in the page */
      }
    },
    clear() {
      form.reset();
      if (store) store.removeItem(DRAFT_KEY);
    },
  };
}
