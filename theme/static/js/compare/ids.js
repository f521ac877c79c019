/**
 * Read `?ids=a,b,c` from the address of the comparison and visit pages, and fetch what they name.
 */
import { readConfig, siteUrl } from "../config.js";
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

/**
 * The data chunk a facility's entry is in: FNV-1a (32 bit) of the id's UTF-8
 * bytes, masked to the chunk count (pages/facility_data.py chunk_of).
 * @param {string} id a well-formed facility id
 * @param {number} chunks a power of two
 */
export function chunkOf(id, chunks) {
  let value = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) {
    value = Math.imul(value ^ byte, 0x01000193) >>> 0;
  }
  return value & (chunks - 1);
}

/**
 * A fetchOne for fetchChosen that reads entries from the shared data chunks
 * (facility-data/<k>.json), fetching each chunk once however many chosen ids it holds.
 * @returns {(id: string) => Promise<object|null>} null for an unknown id; rejects when the network fails
 */
export function chunkFetcher() {
  const { dataChunks } = readConfig();
  const chunks = Number.isInteger(dataChunks) && dataChunks > 0 ? dataChunks : 1;
  const pending = new Map();
  const loadChunk = async (number) => {
    const response = await fetch(siteUrl(`facility-data/${number}.json`));
    if (response.status === 404) return {};
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  };
  return async (id) => {
    const number = chunkOf(id, chunks);
    if (!pending.has(number)) pending.set(number, loadChunk(number));
    const chunk = await pending.get(number);
    const entry = chunk && Object.hasOwn(chunk, id) ? chunk[id] : null;
    return entry && entry.id === id ? entry : null;
  };
}
