/**
 * The search worker: runs the engine off the page's main thread, so typing
 * stays smooth while a query scans 30,000 facilities.
 *
 * Messages in:  {id, type: "init", config} | {id, type: "search", state, limit, position} | {id, type: "more", offset, limit}
 *               (position: the visitor's {lat, lng} for 「現在地から近い順」, or null; kept in memory only)
 *               | {id, type: "warm"} (load the index directory and the facet table)
 *               | {id, type: "prime"} (the page is idle: run the text search once on the index's own words)
 *               | {id, type: "prefetch", state} (the page is idle: the card files of the prefectures chosen, if few)
 * Messages out: {id, result} | {id, error}
 */
import { SearchEngine } from "./engine.js";

let engine = null;

self.addEventListener("message", async (event) => {
  const { id, type } = event.data;
  try {
    if (type === "init") {
      engine = new SearchEngine(event.data.config);
      self.postMessage({ id, result: true });
    } else if (type === "search") {
      self.postMessage({ id, result: await engine.search(event.data.state, event.data.limit, event.data.position || null) });
    } else if (type === "warm") {
      self.postMessage({ id, result: await engine.warm() });
    } else if (type === "prime") {
      self.postMessage({ id, result: await engine.prime() });
    } else if (type === "prefetch") {
      self.postMessage({ id, result: await engine.prefetchCards(event.data.state) });
    } else if (type === "more") {
      self.postMessage({ id, result: await engine.more(event.data.offset, event.data.limit) });
    }
  } catch (error) {
    self.postMessage({ id, error: String((error && error.message) || error) });
  }
});
