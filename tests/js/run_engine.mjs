// Runs theme/static/js/search/engine.js in Node over a built site's search data.
//   node tests/js/run_engine.mjs <site folder> '<JSON list of {state, limit, position}>'
// Prints, for each search, {total, ids (display order), counts, relax, excludedUnchecked, truncated, sort};
// with a position also the cards' distances (metres, null without a location), noLocation and excludedNoLocation,
// and the data files it requested (paths under their group's folder, in order).
// A search may say fresh: true (a new engine, nothing loaded) and whole: true (the whole facet table loaded first),
// prime: true or "after" (engine.prime() before or after the search: its answer and the files it requested come as
// primed and primeRequested), and more: [offset, limit] (the ids of engine.more(offset, limit) at the end, as moreIds).
import { readFileSync } from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";
import { join } from "node:path";
import { SearchEngine } from "../../theme/static/js/search/engine.js";

const [site, searchesJson] = process.argv.slice(2);
const html = readFileSync(join(site, "search", "index.html"), "utf-8");
const block = html.match(/<script type="application\/json" id="search-config">([\s\S]*?)<\/script>/);
const config = JSON.parse(block[1]);
const root = pathToFileURL(site.endsWith("/") ? site : `${site}/`);
const dataUrl = new URL(config.data, root).href;
let requested = [];
const newEngine = () => new SearchEngine(
  {
    dataUrl,
    dataGroups: config.dataGroups,
    prefectures: config.prefectures,
    disabilities: config.disabilities,
    services: config.services,
    options: config.options,
    walkOptions: config.walkOptions,
    cardChunk: config.cardChunk,
    prefStarts: config.prefStarts,
    everydayWords: config.everydayWords,
  },
  async (url) => {
    requested.push(url.slice(dataUrl.length).replace(/^[0-9a-f]{10}\//, "")); // the path under its group's folder
    return JSON.parse(readFileSync(fileURLToPath(url), "utf-8"));
  },
);
let engine = newEngine();
const out = [];
for (const { state, limit, position, fresh, whole, prime, more } of JSON.parse(searchesJson)) {
  if (fresh) engine = newEngine();
  if (whole) await engine.facets();
  let primed, primeRequested;
  const runPrime = async () => {
    requested = [];
    primed = await engine.prime();
    primeRequested = requested;
  };
  if (prime === true) await runPrime();
  requested = [];
  const full = { q: "", pref: [], dis: [], svc: [], opt: [], walk: null, sort: null, ...state };
  const result = await engine.search(full, limit ?? 100000, position ?? null);
  const searchRequested = requested;
  if (prime === "after") await runPrime();
  out.push({
    total: result.total,
    ids: result.cards.map((card) => card.row[0]),
    counts: result.counts,
    relax: result.relax,
    excludedUnchecked: result.excludedUnchecked,
    truncated: result.truncated,
    ignored: result.ignored,
    onlySymbols: result.onlySymbols,
    everyday: result.everyday,
    sort: result.sort,
    cards: result.cards.map((card) => [card.doc, card.pref, card.dis, card.svc]),
    requested: searchRequested,
    ...(prime ? { primed, primeRequested } : {}),
    ...(more ? { moreIds: (await engine.more(...more)).map((card) => card.row[0]) } : {}),
    ...(position ? { distances: result.cards.map((card) => card.distance), noLocation: result.noLocation, excludedNoLocation: result.excludedNoLocation } : {}),
  });
}
process.stdout.write(JSON.stringify(out));
