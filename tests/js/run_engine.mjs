// Runs theme/static/js/search/engine.js in Node over a built site's search data.
//   node tests/js/run_engine.mjs <site folder> '<JSON list of {state, limit, position}>'
// Prints, for each search, {total, ids (display order), counts, relax, excludedUnchecked, truncated, sort};
// with a position also the cards' distances (metres, null without a location), noLocation and excludedNoLocation.
import { readFileSync } from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";
import { join } from "node:path";
import { SearchEngine } from "../../theme/static/js/search/engine.js";

const [site, searchesJson] = process.argv.slice(2);
const html = readFileSync(join(site, "search", "index.html"), "utf-8");
const block = html.match(/<script type="application\/json" id="search-config">([\s\S]*?)<\/script>/);
const config = JSON.parse(block[1]);
const root = pathToFileURL(site.endsWith("/") ? site : `${site}/`);
const engine = new SearchEngine(
  {
    dataUrl: new URL(config.data, root).href,
    lunrUrl: new URL(config.lunr, root).href,
    prefectures: config.prefectures,
    disabilities: config.disabilities,
    services: config.services,
    options: config.options,
    walkOptions: config.walkOptions,
    cardChunk: config.cardChunk,
    everydayWords: config.everydayWords,
  },
  async (url) => JSON.parse(readFileSync(fileURLToPath(url), "utf-8")),
);
const out = [];
for (const { state, limit, position } of JSON.parse(searchesJson)) {
  const full = { q: "", pref: [], dis: [], svc: [], opt: [], walk: null, sort: null, ...state };
  const result = await engine.search(full, limit ?? 100000, position ?? null);
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
    ...(position ? { distances: result.cards.map((card) => card.distance), noLocation: result.noLocation, excludedNoLocation: result.excludedNoLocation } : {}),
  });
}
process.stdout.write(JSON.stringify(out));
