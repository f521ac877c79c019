// A plain lunr.js setup: one prebuilt index with lunr's default pipeline,
// loaded on page load, queried with idx.search() as themes do.
import { SHOWN, mountSearch } from "./results.js";

const [serialized, store] = await Promise.all([
  fetch("index.json").then((r) => r.json()),
  fetch("store.json").then((r) => r.json()),
]);
const idx = lunr.Index.load(serialized);
const allIds = Object.keys(store);

function ids(q, pref) {
  let found;
  if (q.trim()) {
    try {
      found = idx.search(q).map((r) => r.ref);
    } catch {
      found = []; // lunr throws on its own query syntax
    }
  } else {
    found = allIds;
  }
  return pref ? found.filter((id) => store[id][1] === pref) : found;
}

window.__peerSearch = async (q, pref = "") => ids(q, pref);
mountSearch(async (q, pref) => {
  const found = ids(q, pref);
  return { total: found.length, shown: found.slice(0, SHOWN).map((id) => ({ id, title: store[id][0] })) };
});
