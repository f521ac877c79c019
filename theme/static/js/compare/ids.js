/**
 * Read `?ids=a,b,c` from the comparison page's address.
 */
import { isFacilityId } from "./selection.js";

/**
 * @param {string} text the raw `ids` value
 * @returns {{ids: string[], malformed: string[], duplicates: string[]}}
 *   ids: well-formed and unique, in the order given; malformed: entries that
 *   cannot be a facility id; duplicates: repeats that were collapsed.
 */
export function parseIds(text) {
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
  return { ids: [...seen], malformed, duplicates };
}
