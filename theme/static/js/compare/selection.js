/**
 * The visitor's comparison list: facility ids, in the order they were added,
 * at most `limit` of them, kept in localStorage across pages and visits.
 */
import { readConfig } from "../config.js";
import { openStorage } from "./storage.js";

export const STORAGE_KEY = "shuronavi.compare";
const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** True for strings shaped like a facility id (the record's file name). */
export function isFacilityId(value) {
  return typeof value === "string" && value.length <= 120 && ID_PATTERN.test(value);
}

/** Ids from stored text: anything malformed is dropped, never thrown. */
function parseStored(text, limit) {
  if (!text) return [];
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter(isFacilityId))].slice(0, limit);
}

/**
 * @param {{limit: number, storage: ReturnType<typeof openStorage>}} options
 */
export function createSelection({ limit, storage }) {
  let ids = parseStored(storage.read(), limit);
  const listeners = new Set();

  const emit = (change) => {
    for (const listener of listeners) listener(change);
  };
  const commit = (next, change) => {
    ids = next;
    storage.write(JSON.stringify(ids));
    emit(change);
  };

  // Another tab changed the list: follow it.
  window.addEventListener("storage", (event) => {
    if (event.key !== STORAGE_KEY) return;
    ids = parseStored(event.newValue, limit);
    emit({ type: "sync" });
  });

  return {
    limit,
    persistent: storage.persistent,
    /** @returns {string[]} a copy, in the order added */
    get ids() {
      return [...ids];
    },
    has: (id) => ids.includes(id),
    /** @returns {"added"|"present"|"full"|"invalid"} */
    add(id) {
      if (!isFacilityId(id)) return "invalid";
      if (ids.includes(id)) return "present";
      if (ids.length >= limit) {
        emit({ type: "full", id });
        return "full";
      }
      commit([...ids, id], { type: "added", id });
      return "added";
    },
    /** @returns {boolean} whether the id was in the list */
    remove(id) {
      if (!ids.includes(id)) return false;
      commit(
        ids.filter((other) => other !== id),
        { type: "removed", id },
      );
      return true;
    },
    clear() {
      commit([], { type: "cleared" });
    },
    /** Put back a list taken out by clear() (the tray's 元に戻す); valid ids only, up to the limit. */
    restore(previous) {
      commit([...new Set(previous.filter(isFacilityId))].slice(0, limit), { type: "restored" });
    },
    /** Call `listener(change)` after every change; returns an unsubscribe function. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let shared = null;

/** The page's one selection, created on first use with the site's compare limit. */
export function getSelection() {
  if (!shared) {
    shared = createSelection({ limit: readConfig().compareLimit, storage: openStorage(STORAGE_KEY) });
  }
  return shared;
}

/** Site-relative address of the comparison page for these ids. */
export function comparePath(ids) {
  return `compare/?ids=${ids.join(",")}`;
}

/** Site-relative address of the visit planner for these ids (the same list). */
export function visitPath(ids) {
  return `visit/?ids=${ids.join(",")}`;
}
