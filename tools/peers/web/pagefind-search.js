// Pagefind through its JS API: filters from data-pagefind-filter, the
// first SHOWN results' fragments loaded for display, as its UI does.
import { SHOWN, mountSearch } from "./results.js";

const PREFECTURE_NAMES = /*PREFECTURE_NAMES*/{};
const pagefind = await import("../pagefind/pagefind.js");
await pagefind.init();

async function find(q, pref) {
  // Like Pagefind's own UI: nothing to search for, nothing loaded.
  if (!q.trim() && !pref) return [];
  const filters = pref ? { prefecture: PREFECTURE_NAMES[pref] || pref } : {};
  const search = await pagefind.search(q.trim() ? q : null, { filters });
  return search ? search.results : [];
}

// Result ids are Pagefind's fragment hashes; the harness maps them to facilities.
window.__peerSearch = async (q, pref = "") => (await find(q, pref)).map((r) => r.id);
mountSearch(async (q, pref) => {
  const results = await find(q, pref);
  const shown = await Promise.all(results.slice(0, SHOWN).map((r) => r.data()));
  return { total: results.length, shown: shown.map((d) => ({ id: d.meta.id, title: d.meta.title })) };
});
