/**
 * Read `?ids=a,b,c` from the address of the comparison and visit pages, and fetch what they name.
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

// Ids looked up beyond the limit, so that unknown ids do not use it up.
const LOOKAHEAD = 10;

/**
 * Fetch the facilities a parsed `ids` names, at most `limit` of them.
 * @param {{ids: string[], malformed: string[]}} request from parseIds
 * @param {number} limit how many may be shown
 * @param {(id: string) => Promise<object|null>} fetchOne null for an unknown id; rejects when the network fails
 * @returns {Promise<{found: object[], unknown: string[], overflow: string[], failed: number}>}
 *   found: in the order given; unknown: malformed and unknown ids; overflow: ids past the limit
 *   (the rest of a very long list is left out unfetched); failed: how many could not be loaded.
 */
export async function fetchChosen(request, limit, fetchOne) {
  const candidates = request.ids.slice(0, limit + LOOKAHEAD);
  const results = await Promise.allSettled(candidates.map(fetchOne));
  const found = [];
  const unknown = [...request.malformed];
  const overflow = [];
  let failed = 0;
  results.forEach((result, index) => {
    if (result.status === "rejected") failed += 1;
    else if (result.value === null) unknown.push(candidates[index]);
    else if (found.length < limit) found.push(result.value);
    else overflow.push(candidates[index]);
  });
  overflow.push(...request.ids.slice(candidates.length));
  return { found, unknown, overflow, failed };
}
