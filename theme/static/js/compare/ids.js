/**
 * Read `?ids=a,b,c` from the comparison page's address.
 */
import { isFacilityId } from "./selection.js";

/**
 * @param {string} text the raw `ids` value
 * @param {number} limit
 * @returns {{ids: string[], malformed: string[], duplicates: string[], overflow: string[]}}
 *   ids: well-formed, unique, at most `limit`, in the order given;
 *   malformed: entries that cannot be a facility id; duplicates: repeated ids
 *   (collapsed); overflow: well-formed ids beyond the limit (left out).
 */
export function parseIds(text, limit) {
  const seen = new Set();
  const malformed = [];
  const duplicates = [];
  for (const part of text.split(",")) {
    const id = part.trim();
    if (!id) continue;
    if (!isFacilityId(id)) malformed.push(id);
    else if (seen.has(id)) duplicates.push(id);
    else seen.add(id);
  }
  const unique = [...seen];
  return { ids: unique.slice(0, limit), malformed, duplicates, overflow: unique.slice(limit) };
}
