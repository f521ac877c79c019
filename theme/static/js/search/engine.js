/**
 * The search engine behind /search/: filters, counts, text matching, ranking,
 * sorting and the cards of one page of results. No DOM: it runs in the search
 * worker (worker.js), on the page when workers are unavailable, and in Node
 * for the tests.
 *
 * Data (written by plugins/facility_site/search_page.py under search/<version>/):
 * - facets.json                 prefecture runs; disability, service, condition, walk per facility
 * - facets/pref-<slug>.json     the same columns for one prefecture (a search that needs only a few)
 * - name-order.json             national reading order (only to sort several prefectures by name)
 * - sort-<metric>.json          a metric's rank per facility, fetched when sorted by it
 * - cards/doc-<k>.json, cards/pref-<slug>.json   what the cards show
 * - text/chars.json, text/<hex>.json   the full-text index: one shard per character, fetched as words are typed
 *                                      (with the card rows of its one-character search's first page)
 * - geo/all.json, geo/pref-<slug>.json  coordinates, fetched only for 「現在地から近い順」 or 「○km以内」 (geo.js)
 *
 * Facilities are numbered in (prefecture, reading) order; every sort breaks
 * ties in that order.
 */
import { dataFileUrl } from "./data-url.js";
import { distancesFrom, fillCoordinates, orderByDistance } from "./geo.js";
import { effectiveSort, emptyState } from "./state.js";
import { parseQuery } from "./tokenizer.js";

const NO_STATION = -1;
const UNKNOWN_RANK = -1;
const DESCENDING = { retention: true, hires: true, capacity: true, stay: false };
const CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * @typedef {{q: string, pref: string[], dis: string[], svc: string[], opt: string[], walk: number|null, sort: string|null}} SearchState
 */

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** {values, codes} or {plain} (search_data.encode_column) -> Int32Array */
export function decodeColumn(column) {
  if (column.plain) return Int32Array.from(column.plain);
  const out = new Int32Array(column.codes.length);
  const value = new Int32Array(128);
  column.values.forEach((v, i) => (value[CODE_ALPHABET.charCodeAt(i)] = v));
  for (let i = 0; i < out.length; i++) out[i] = value[column.codes.charCodeAt(i)];
  return out;
}

/** [[field, [doc deltas], [weights]], …] -> [{field, docs: Int32Array, weights: Int32Array}] */
export function decodeTerm(entry) {
  return entry.map(([field, deltas, weights]) => {
    const docs = new Int32Array(deltas.length);
    let doc = 0;
    for (let i = 0; i < deltas.length; i++) docs[i] = doc += deltas[i];
    return { field, docs, weights: Int32Array.from(weights) };
  });
}

/**
 * Stable counting sort of `docs` (ascending doc numbers) by small integer keys:
 * equal keys keep doc order. keys[d] must be in [0, buckets).
 */
function countingSort(docs, keys, buckets) {
  const starts = new Int32Array(buckets + 1);
  for (let i = 0; i < docs.length; i++) starts[keys[docs[i]] + 1]++;
  for (let b = 0; b < buckets; b++) starts[b + 1] += starts[b];
  const out = new Int32Array(docs.length);
  for (let i = 0; i < docs.length; i++) out[starts[keys[docs[i]]]++] = docs[i];
  return out;
}

export class SearchEngine {
  /**
   * @param {{dataUrl: string, prefectures: string[], disabilities: string[],
   *          services: string[], options: string[], walkOptions: number[], cardChunk: number, everydayWords?: object,
   *          chunksAtOnce?: number, prefStarts: number[]}} config
   *   prefStarts: the first doc number of each prefecture, and the facility count last (search_data.prefecture_starts).
   *   dataUrl absolute, dataGroups its groups' hashes (data-url.js); the lists are slugs in bit / code order; everydayWords:
   *   normalized word -> {kind, slug, field, term} (search/words.py words_config).
   *   config.files (optional): url -> parsed JSON already loaded elsewhere (the page hands the
   *   worker what it fetched for the first results, so nothing is fetched twice).
   * @param {(url: string) => Promise<any>} [load] how to fetch a JSON file (tests pass their own)
   */
  constructor(config, load = fetchJson) {
    this.config = config;
    this.load = load;
    this.files = new Map(); // url -> Promise of parsed JSON
    this.loaded = new Map(); // url -> parsed JSON, once it has arrived
    this.cached = new Map(); // name -> Promise of decoded data
    this.last = null; // the ordered result list of the last search, for "more"
    this.cardRows = new Map(); // doc -> card row carried by a character shard (keepCardRows)
    this.rowsKept = new WeakSet(); // the shards whose rows are in cardRows
    for (const [url, data] of Object.entries(config.files || {})) {
      this.files.set(url, Promise.resolve(data));
      this.loaded.set(url, data);
    }
  }

  file(path) {
    const url = this.url(path);
    if (!this.files.has(url)) {
      const pending = this.load(url);
      this.files.set(url, pending);
      pending.then(
        (data) => this.loaded.set(url, data),
        () => this.files.delete(url), // a failed fetch may be retried
      );
    }
    return this.files.get(url);
  }

  /** The URL of a data file (dataUrl is absolute and ends with "/"; dataGroups: data-url.js). */
  url(path) {
    return dataFileUrl(this.config.dataUrl, this.config.dataGroups, path);
  }

  /** Every data file that has arrived, url -> parsed JSON (for config.files of another engine). */
  loadedFiles() {
    return Object.fromEntries(this.loaded);
  }

  /** Decoded data, made once; a failure is forgotten so it can be retried. */
  once(name, make) {
    if (!this.cached.has(name)) {
      const pending = make();
      this.cached.set(name, pending);
      pending.catch(() => this.cached.delete(name));
    }
    return this.cached.get(name);
  }

  /**
   * The facet table: count, prefStarts, pref (from the config) and the columns
   * dis, svc, walk, opt, vac, filled prefecture by prefecture as their rows
   * arrive (facetsFor). Rows not loaded yet read 0.
   */
  table() {
    if (!this._table) {
      const { prefStarts } = this.config;
      const count = prefStarts[prefStarts.length - 1];
      const pref = new Uint8Array(count);
      for (let p = 0; p + 1 < prefStarts.length; p++) pref.fill(p, prefStarts[p], prefStarts[p + 1]);
      this._table = {
        count,
        prefStarts,
        pref,
        dis: new Int32Array(count),
        svc: new Int32Array(count),
        walk: new Int32Array(count),
        opt: new Int32Array(count),
        vac: new Int32Array(count), // 1 where a place is free (checked within 60 days); older files have no column
        walkMax: 0, // the largest walk value loaded (countChoices' histogram size)
      };
    }
    return this._table;
  }

  /** Copy decoded columns into the table from doc number `start` on. */
  fillTable(data, start) {
    const table = this.table();
    for (const name of FACET_COLUMNS) {
      if (!data[name]) continue;
      const column = decodeColumn(data[name]);
      table[name].set(column, start);
      if (name === "walk") for (let i = 0; i < column.length; i++) if (column[i] > table.walkMax) table.walkMax = column[i];
    }
  }

  /** The whole facet table (facets.json), every prefecture's rows. */
  facets() {
    return this.once("facets", async () => {
      this.fillTable(await this.file("facets.json"), 0);
      return this.table();
    });
  }

  /**
   * The facet table with at least the rows of prefectures `prefs` (indices; null: every
   * prefecture). Each prefecture's part (facets/pref-<slug>.json) is fetched once; the whole
   * file is used when asked for, or once it is on its way.
   */
  async facetsFor(prefs) {
    if (prefs === null || this.cached.has("facets")) return this.facets();
    const { prefStarts, prefectures } = this.config;
    await Promise.all(
      prefs
        .filter((p) => prefStarts[p + 1] > prefStarts[p])
        .map((p) =>
          this.once(`facets-${p}`, async () => {
            this.fillTable(await this.file(`facets/pref-${prefectures[p]}.json`), prefStarts[p]);
          }),
        ),
    );
    return this.table();
  }

  /**
   * The prefectures whose facet rows a search must have, or null for the whole table.
   * Only the chosen prefectures (or the ones the keyword was found in) when no other
   * condition filters: then no other facility's columns change a result or a count.
   */
  facetsNeeded(state, universe) {
    if (filtersBeyondPrefecture(state)) return null;
    const chosen = this.chosenPrefs(state);
    if (chosen.length) return chosen;
    if (universe === null) return null; // every facility is a result
    const { prefStarts } = this.config;
    const pref = this.table().pref;
    const seen = new Uint8Array(prefStarts.length);
    const found = [];
    let rows = 0;
    for (let i = 0; i < universe.length; i++) {
      const p = pref[universe[i]];
      if (!seen[p]) {
        seen[p] = 1;
        found.push(p);
        rows += prefStarts[p + 1] - prefStarts[p];
      }
    }
    // Parts of many prefectures, or of most facilities, cost more than the whole file.
    return found.length > MAX_FACET_PARTS || rows > prefStarts[prefStarts.length - 1] * MAX_FACET_SHARE ? null : found.sort((a, b) => a - b);
  }

  chosenPrefs(state) {
    return this.config.prefectures.flatMap((slug, p) => (state.pref.includes(slug) ? [p] : []));
  }

  /** rank[d]: facility d's place in national reading order. */
  nameRanks() {
    return this.once("name", async () => {
      const facets = this.table();
      const data = await this.file("name-order.json");
      const prefs = decodeColumn(data.prefs);
      const next = Int32Array.from(facets.prefStarts);
      const rank = new Int32Array(facets.count);
      for (let r = 0; r < prefs.length; r++) rank[next[prefs[r]]++] = r;
      return rank;
    });
  }

  /**
   * Coordinates (degrees, NaN unknown) by doc number, with the files of
   * `prefIndices` loaded (each prefecture's file), or every facility's (null).
   */
  async coordinates(prefIndices) {
    const facets = this.table();
    if (!this.geo) this.geo = { lat: new Float64Array(facets.count).fill(NaN), lng: new Float64Array(facets.count).fill(NaN), loaded: new Set() };
    const geo = this.geo;
    const slugs = this.config.prefectures;
    const wanted = prefIndices === null || geo.loaded.has("all") ? ["all"] : prefIndices.map((p) => `pref-${slugs[p]}`);
    const missing = wanted.filter((name) => !geo.loaded.has(name) && !geo.loaded.has("all"));
    const files = await Promise.all(missing.map((name) => this.file(`geo/${name}.json`)));
    files.forEach((file, i) => {
      if (!geo.loaded.has(missing[i])) fillCoordinates(file, geo.lat, geo.lng);
      geo.loaded.add(missing[i]);
    });
    return geo;
  }

  sortColumn(sort) {
    return this.once(`sort-${sort}`, async () => decodeColumn((await this.file(`sort-${sort}.json`)).ranks));
  }

  // --- text ----------------------------------------------------------------

  /** text/chars.json: the fields, and the size of each character's shard. */
  directory() {
    return this.once("directory", async () => {
      const data = await this.file("text/chars.json");
      const size = new Map(Array.from(data.chars, (char, i) => [char, data.sizes[i]]));
      const all = (1 << data.fields.length) - 1;
      // Fields matched only from the start of a term (the place readings).
      const prefix = (data.prefixFields || []).reduce((mask, name) => mask | (1 << data.fields.indexOf(name)), 0);
      // postings: term -> decoded, from any shard
      return {
        fields: data.fields,
        size,
        postings: new Map(),
        all,
        prefix,
        prefixMinChars: data.prefixMinChars || 1,
        prefixKeys: new Set(data.prefixKeys || []), // reading shards that exist (search_index.char_shards)
      };
    });
  }

  /**
   * A character shard carries the card rows of the first page of its one-character search
   * with no condition (search/index.py first_page): the first key of a word then needs no
   * second round trip for its cards. cards() takes a row from here before any card file.
   */
  keepCardRows(shard) {
    if (!shard.cards || this.rowsKept.has(shard)) return;
    this.rowsKept.add(shard);
    for (const [doc, row] of shard.cards) this.cardRows.set(doc, row);
  }

  /** The shard that holds every term containing all of `chars`: one already fetched if any, else the smallest. */
  async shardFor(directory, chars) {
    const path = (char) => `text/${char.codePointAt(0).toString(16)}.json`;
    const fetched = chars.find((char) => this.files.has(this.url(path(char))));
    const char = fetched ?? chars.reduce((best, c) => (directory.size.get(c) < directory.size.get(best) ? c : best));
    return this.file(path(char));
  }

  /**
   * The terms a query word matches, each with the fields it counts in (a bit
   * mask), postings ready. A word matches every term that contains it (lunr's
   * `*word*`), except in the prefix fields (the place readings), where the term
   * must start with it and the word have at least prefixMinChars characters
   * (かわ finds かわさきし, not かながわけん). An everyday word (発達障害, ADHD)
   * also matches the word that marks its condition, in that condition's field
   * only, and not the readings (うつ is not 宇都宮).
   * Every term containing the word contains each of its characters, so one
   * character's shard has them all.
   * @returns {Promise<Array<[string, number]>>}
   */
  async expand(directory, word) {
    const everyday = (this.config.everydayWords || {})[word];
    const found = new Map(); // term -> field mask
    const keep = (shard, i, term, mask) => {
      if (!mask) return;
      if (!directory.postings.has(term)) directory.postings.set(term, decodeTerm(shard.postings[i]));
      found.set(term, (found.get(term) || 0) | mask);
    };
    const chars = [...new Set(Array.from(word))];
    const codePoints = Array.from(word);
    const readings = !everyday && codePoints.length >= directory.prefixMinChars;
    // Terms found only in the readings live in the reading shard of their first characters.
    const start = codePoints.slice(0, directory.prefixMinChars).join("");
    const readingShard =
      readings && directory.prefixKeys.has(start)
        ? this.file(`text/p/${Array.from(start, (char) => char.codePointAt(0).toString(16)).join("-")}.json`)
        : null;
    if (chars.every((char) => directory.size.has(char))) {
      const shard = await this.shardFor(directory, chars);
      this.keepCardRows(shard);
      shard.terms.forEach((term, i) => {
        if (!term.includes(word)) return;
        const prefixOk = readings && term.startsWith(word);
        keep(shard, i, term, prefixOk ? directory.all : directory.all & ~directory.prefix);
      });
    }
    if (readingShard) {
      const shard = await readingShard;
      shard.terms.forEach((term, i) => {
        if (term.startsWith(word)) keep(shard, i, term, directory.prefix);
      });
    }
    if (everyday) {
      const field = directory.fields.indexOf(everyday.field);
      const labelChars = [...new Set(Array.from(everyday.term))];
      if (field >= 0 && labelChars.every((char) => directory.size.has(char))) {
        const shard = await this.shardFor(directory, labelChars);
        const i = shard.terms.indexOf(everyday.term);
        if (i >= 0) keep(shard, i, everyday.term, 1 << field);
      }
    }
    return [...found];
  }

  /**
   * Facilities that contain every query word as part of one term (AND), with
   * lunr's score for each, and for each word the facilities that have it
   * (for "remove this word" advice when nothing matches).
   * @returns {Promise<{docs: Int32Array, signatureOf: Int32Array, scores: Float64Array, perWord: Uint8Array[]}>}
   *   signatureOf[i]: the score signature of docs[i]; scores[signature]: its lunr score
   */
  async matchText(words, onMatches = null) {
    // Round trips: each word's shard loads as soon as the shard directory is there
    // (not after the larger facet table). `onMatches` hears which facilities match
    // before they are scored, so the facet rows they need start loading at once.
    const directory = await this.directory();
    const expansions = await Promise.all(words.map((word) => this.expand(directory, word)));
    const count = this.table().count;
    const fieldCount = directory.fields.length;
    const postings = (term) => directory.postings.get(term);

    // Pass 1: which facilities have each word (in any field); keep those with all.
    // (One word, the usual keystroke: its own array says it, no sum over every facility.)
    const hits = words.length === 1 ? null : new Uint8Array(count);
    const perWord = expansions.map((terms) => {
      const has = new Uint8Array(count);
      for (const [t, mask] of terms) {
        for (const { field, docs } of postings(t)) {
          if (mask & (1 << field)) for (let i = 0; i < docs.length; i++) has[docs[i]] = 1;
        }
      }
      if (hits) for (let d = 0; d < count; d++) hits[d] += has[d];
      return has;
    });
    const matched = hits ?? perWord[0];
    const need = hits ? words.length : 1;
    let matchCount = 0;
    const slot = new Int32Array(count).fill(-1);
    const found = new Int32Array(count);
    for (let d = 0; d < count; d++) {
      if (matched[d] === need) {
        slot[d] = matchCount;
        found[matchCount++] = d;
      }
    }
    const docs = found.slice(0, matchCount);
    onMatches?.(docs);

    // Pass 2: each match's summed weight per (word, field), and whether the
    // word is there at all (a weight can round to 0): its score signature.
    const width = words.length * fieldCount;
    const { sums, present } = this.scratch(matchCount * width);
    const used = new Uint8Array(width); // cells any posting writes: the others are 0 for every match
    expansions.forEach((terms, w) => {
      for (const [t, mask] of terms) {
        for (const { field, docs: termDocs, weights } of postings(t)) {
          if (!(mask & (1 << field))) continue;
          const cell = w * fieldCount + field;
          used[cell] = 1;
          for (let i = 0; i < termDocs.length; i++) {
            const s = slot[termDocs[i]];
            if (s < 0) continue;
            sums[s * width + cell] += weights[i];
            present[s * width + cell] = 1;
          }
        }
      }
    });
    const cells = Int32Array.from(used.keys()).filter((k) => used[k]);
    const { signatureOf, scores } = rankSignatures(words, directory.fields, { sums, present, width, cells }, matchCount);
    return { docs, signatureOf, scores, perWord };
  }

  /** Zeroed scratch arrays of at least `size` cells, reused from search to search (less garbage). */
  scratch(size) {
    if (!this._scratch || this._scratch.sums.length < size) {
      const capacity = Math.max(size, 2 * (this._scratch ? this._scratch.sums.length : 0));
      this._scratch = { sums: new Int32Array(capacity), present: new Uint8Array(capacity) };
    }
    this._scratch.sums.fill(0, 0, size);
    this._scratch.present.fill(0, 0, size);
    return this._scratch;
  }

  // --- one search -------------------------------------------------------------

  /**
   * @param {SearchState} state
   * @param {number} limit how many cards to return
   * @param {{lat: number, lng: number}|null} [position] the visitor's position (degrees), for
   *   sort=near and within; it stays in the browser (worker memory only)
   * @param {{remember?: boolean}} [options] remember: false leaves "more" with the last search's results (prime)
   */
  async search(state, limit, position = null, { remember = true } = {}) {
    const query = parseQuery(state.q || "");
    const hasText = query.words.length > 0;
    // Text made only of symbols, emoji or punctuation searches nothing (not everything); the page says so.
    const onlySymbols = !hasText && /\S/u.test(state.q || "");
    // Round trips: the facet rows this search needs load with the keyword's shards when the
    // state says which they are (chosen prefectures, or every row), else once the matches are known.
    const beyond = filtersBeyondPrefecture(state);
    const chosen = this.chosenPrefs(state);
    const early = beyond ? this.facets() : chosen.length ? this.facetsFor(chosen) : null;
    early?.catch(() => {}); // awaited below, after the text
    let rows = early;
    const startRows = (universe) => {
      rows = this.facetsFor(this.facetsNeeded(state, universe));
      rows.catch(() => {});
    };
    // A keyword's facet rows start as soon as its matches are known (before they are scored).
    const text = hasText ? await this.matchText(query.words, early ? null : startRows) : null;
    const universe = text ? text.docs : onlySymbols ? new Int32Array(0) : null; // null: every facility
    if (!rows) startRows(universe);
    // With only prefectures (and a keyword) to filter by, which facilities match, and in which order
    // (but by walk), needs no facet column: the cards start loading with the facet rows.
    const facets = this.table();
    if (beyond) await rows;
    const filter = this.filterFor(state, facets);
    const metres = await this.nearFilter(state, position, facets, filter);
    const results = this.select(facets, filter, universe);
    let sort = effectiveSort(state, hasText);
    if (sort === "near" && !metres) sort = hasText ? "relevance" : "name"; // no position (yet): the default order
    if (sort === "walk") await rows;
    const byDistance = sort === "near" ? orderByDistance(results, metres) : null;
    const ordered = byDistance ? byDistance.ordered : await this.order(results, sort, facets, text);
    const cards = this.cards(ordered, 0, limit, metres, rows);
    cards.catch(() => {});
    await rows;
    const counts = this.countChoices(facets, filter, universe);
    const excludedUnchecked = filter.dis ? this.countUnchecked(facets, filter, universe) : 0;
    const relax = ordered.length === 0 ? this.relaxations(facets, state, filter, universe, query.words, text ? text.perWord : []) : [];
    if (onlySymbols) {
      let n = 0;
      for (let d = 0; d < facets.count; d++) if (filter.fails[d] === 0) n++;
      relax.unshift({ kind: "word", value: (state.q || "").trim(), count: n });
    }
    const everydayWords = this.config.everydayWords || {};
    if (remember) this.last = { ordered, metres };
    let noLocation = 0;
    if (metres) for (const d of ordered) if (metres[d] !== metres[d]) noLocation++;
    return {
      total: ordered.length,
      sort,
      // With a position: results without a location (last in distance order), and those the distance filter left out.
      noLocation,
      excludedNoLocation: metres && filter.within ? this.countNoLocation(facets, filter, universe, metres) : 0,
      counts,
      excludedUnchecked,
      relax,
      truncated: query.truncated,
      ignored: query.ignored,
      onlySymbols,
      // Query words that stand for a condition (発達障害 → dis/developmental), for the page to offer.
      everyday: query.words.filter((word) => everydayWords[word]).map((word) => ({ word, kind: everydayWords[word].kind, slug: everydayWords[word].slug })),
      words: query.words,
      cards: await cards,
    };
  }

  /**
   * Distances from the position (metres by doc number) when the state asks for
   * them, and the 「○km以内」 filter added to `filter` (the NEAR bit). With a
   * distance filter every coordinate is loaded, so the other choices' counts
   * stay right; a distance order alone loads only the chosen prefectures.
   */
  async nearFilter(state, position, facets, filter) {
    filter.within = null;
    if (!position || (state.sort !== "near" && state.within == null)) return null;
    const prefs = state.within == null && state.pref.length ? state.pref.map((slug) => this.config.prefectures.indexOf(slug)).filter((p) => p >= 0) : null;
    const geo = await this.coordinates(prefs && prefs.length ? prefs : null);
    const key = `${position.lat},${position.lng}`;
    if (!this.metres || this.metres.key !== key || this.metres.loaded !== geo.loaded.size) {
      const all = new Int32Array(facets.count).map((_, d) => d);
      this.metres = { key, loaded: geo.loaded.size, values: distancesFrom(position, geo.lat, geo.lng, all, new Float64Array(facets.count)) };
    }
    const metres = this.metres.values;
    if (state.within != null) {
      const limit = state.within * 1000;
      filter.within = state.within;
      for (let d = 0; d < facets.count; d++) if (!(metres[d] <= limit)) filter.fails[d] |= NEAR;
    }
    return metres;
  }

  /** Facilities left out by the distance filter only because their location is unknown. */
  countNoLocation(facets, filter, universe, metres) {
    let n = 0;
    const count = universe === null ? facets.count : universe.length;
    for (let i = 0; i < count; i++) {
      const d = universe === null ? i : universe[i];
      if (metres[d] !== metres[d] && (filter.fails[d] & ~NEAR) === 0) n++;
    }
    return n;
  }

  /**
   * Get ready for a keyword (the shard directory) and for any other choice (the whole
   * facet table) while the visitor starts typing.
   */
  async warm() {
    await Promise.all([this.directory(), this.facets()]);
    return true;
  }

  /**
   * With prefectures chosen, fetch their whole card files while the page is idle (issue 17): a
   * keyword's first key then needs only its character shard, one round trip, not the shard and
   * then the card files its matches turned out to need. A file is the one a page of many cards of
   * one prefecture reads anyway (cards()), and every later card of that prefecture comes from it.
   * Several prefectures only while they hold no more facilities together than the largest one
   * does: never more bytes than one prefecture may already cost. At 30,000
   * facilities a file is 2.7–58.1 KiB gzip (median 6.5 KiB, 17–21 bytes a card), so the bound is
   * 東京都's 3,337 facilities, 58.1 KiB (docs/benchmarks.md).
   * @returns {Promise<boolean>} whether files were asked for
   */
  async prefetchCards(state) {
    const { prefStarts, prefectures } = this.config;
    const size = (p) => prefStarts[p + 1] - prefStarts[p];
    const chosen = this.chosenPrefs(state).filter((p) => size(p) > 0);
    let largest = 0;
    for (let p = 0; p + 1 < prefStarts.length; p++) largest = Math.max(largest, size(p));
    const total = chosen.reduce((sum, p) => sum + size(p), 0);
    if (!chosen.length || total > largest) return false;
    await Promise.all(chosen.map((p) => this.file(`cards/pref-${prefectures[p]}.json`)));
    return true;
  }

  /**
   * Run a text search once on real data while the page is idle, so that the visitor's first
   * keystroke finds the text-search code compiled (in Chromium its first run took about 30 ms of
   * the first key's 75-85 ms, docs/benchmarks.md). The words come from the index, not from the
   * visitor: the character with the smallest shard (a few hundred bytes, the only file fetched
   * beyond warm()'s) and the first two characters of its first term (the path of a longer
   * word). No cards (limit 0), and "more" still pages the last real search.
   */
  async prime() {
    await this.warm(); // the whole facet table: the searches below fetch no facet part
    const directory = await this.directory();
    let char = null;
    for (const [c, size] of directory.size) if (char === null || size < directory.size.get(char)) char = c;
    if (char === null) return false;
    const shard = await this.file(`text/${char.codePointAt(0).toString(16)}.json`);
    const longer = Array.from(shard.terms[0] || "").slice(0, 2).join("");
    for (const q of longer.length === 2 ? [char, longer] : [char]) await this.search({ ...emptyState(), q }, 0, null, { remember: false });
    return true;
  }

  /** The next cards of the last search. */
  async more(offset, limit) {
    if (!this.last) return [];
    return this.cards(this.last.ordered, offset, limit, this.last.metres);
  }

  /**
   * Per facility, a bit for each condition group it fails (pref, dis, svc,
   * opt, walk), so counting "every choice given the other groups" is one pass.
   */
  filterFor(state, facets) {
    const { prefectures, disabilities, services, options } = this.config;
    const prefs = new Uint8Array(prefectures.length);
    for (const slug of state.pref) if (prefectures.includes(slug)) prefs[prefectures.indexOf(slug)] = 1;
    const anyPref = state.pref.some((slug) => prefectures.includes(slug));
    const mask = (slugs, vocabulary) => slugs.reduce((m, slug) => (vocabulary.includes(slug) ? m | (1 << vocabulary.indexOf(slug)) : m), 0);
    const dis = mask(state.dis, disabilities);
    const svc = mask(state.svc, services);
    const opt = mask(state.opt, options);
    const walk = state.walk == null ? null : state.walk * 10;
    const vacancy = (state.vacancy || []).includes("yes");
    const fails = new Uint8Array(facets.count);
    // Nothing but a keyword (every keystroke of a plain search): every facility passes.
    const any = anyPref || dis || svc || opt || walk !== null || vacancy;
    for (let d = 0; any && d < facets.count; d++) {
      let f = 0;
      if (anyPref && !prefs[facets.pref[d]]) f |= PREF;
      if ((facets.dis[d] & dis) !== dis) f |= DIS;
      if ((facets.svc[d] & svc) !== svc) f |= SVC;
      if ((facets.opt[d] & opt) !== opt) f |= OPT;
      if (walk !== null && (facets.walk[d] === NO_STATION || facets.walk[d] > walk)) f |= WALK;
      if (vacancy && !facets.vac[d]) f |= VAC;
      fails[d] = f;
    }
    return { anyPref, dis, svc, opt, walk, vacancy, fails };
  }

  select(facets, filter, universe) {
    const fails = filter.fails;
    if (universe === null) {
      let n = 0;
      for (let d = 0; d < facets.count; d++) if (fails[d] === 0) n++;
      const out = new Int32Array(n);
      for (let d = 0, i = 0; d < facets.count; d++) if (fails[d] === 0) out[i++] = d;
      return out;
    }
    // Two plain passes: TypedArray.filter with a callback is several times slower on 30,000 matches.
    let n = 0;
    for (let i = 0; i < universe.length; i++) if (fails[universe[i]] === 0) n++;
    const out = new Int32Array(n);
    for (let i = 0, j = 0; i < universe.length; i++) if (fails[universe[i]] === 0) out[j++] = universe[i];
    return out;
  }

  /** For every choice, how many results it would give with the other groups as chosen. */
  countChoices(facets, filter, universe) {
    const { prefectures, disabilities, services, options, walkOptions } = this.config;
    // Histograms first (one pass), then each choice from them.
    const prefHist = new Int32Array(prefectures.length);
    const disHist = new Int32Array(1 << disabilities.length);
    const svcHist = new Int32Array(1 << services.length);
    const optHist = new Int32Array(1 << options.length);
    // walk in tenths (+1: NO_STATION is -1) -> facilities passing everything but walk
    const walkHist = new Int32Array(facets.walkMax + 2);
    let vacancy = 0; // facilities with a place free, passing everything but the vacancy filter
    const fails = filter.fails;
    const n = universe === null ? facets.count : universe.length;
    for (let i = 0; i < n; i++) {
      const d = universe === null ? i : universe[i];
      const f = fails[d];
      if (f === 0) {
        prefHist[facets.pref[d]]++;
        disHist[facets.dis[d]]++;
        svcHist[facets.svc[d]]++;
        optHist[facets.opt[d]]++;
      } else if (f === PREF) {
        prefHist[facets.pref[d]]++;
      }
      if ((f & ~WALK) === 0) walkHist[facets.walk[d] + 1]++;
      if ((f & ~VAC) === 0 && facets.vac[d]) vacancy++;
    }
    // Disabilities, services and conditions combine with AND: a choice gives the results that also have it.
    const bitCounts = (hist, size) =>
      Array.from({ length: size }, (_, b) => hist.reduce((sum, count, mask) => (mask & (1 << b) ? sum + count : sum), 0));
    let anyWalk = 0;
    const walk = walkOptions.map(() => 0);
    for (let k = 0; k < walkHist.length; k++) {
      const count = walkHist[k];
      if (count === 0) continue;
      const tenths = k - 1;
      anyWalk += count;
      if (tenths !== NO_STATION) walkOptions.forEach((minutes, b) => tenths <= minutes * 10 && (walk[b] += count));
    }
    return {
      pref: Array.from(prefHist),
      dis: bitCounts(disHist, disabilities.length),
      svc: bitCounts(svcHist, services.length),
      opt: bitCounts(optHist, options.length),
      vacancy: [vacancy],
      walk,
      anyWalk,
    };
  }

  /** Facilities left out only because their disability types are not known yet (未確認). */
  countUnchecked(facets, filter, universe) {
    let n = 0;
    const count = universe === null ? facets.count : universe.length;
    for (let i = 0; i < count; i++) {
      const d = universe === null ? i : universe[i];
      if (facets.dis[d] === 0 && (filter.fails[d] & ~DIS) === 0) n++;
    }
    return n;
  }

  /** With no results: for each condition, how many results there would be without it. */
  relaxations(facets, state, filter, universe, words, perWord) {
    const out = [];
    const fails = filter.fails;
    const count = (docs, test) => {
      let n = 0;
      const size = docs === null ? facets.count : docs.length;
      for (let i = 0; i < size; i++) if (test(docs === null ? i : docs[i])) n++;
      return n;
    };
    words.forEach((word, w) => {
      const others = perWord.filter((_, i) => i !== w);
      out.push({ kind: "word", value: word, count: count(null, (d) => fails[d] === 0 && others.every((has) => has[d])) });
    });
    if (filter.anyPref) out.push({ kind: "pref", count: count(universe, (d) => (fails[d] & ~PREF) === 0) });
    const { disabilities, services } = this.config;
    for (const slug of state.dis) {
      const bit = 1 << disabilities.indexOf(slug);
      const m = filter.dis & ~bit;
      out.push({ kind: "dis", value: slug, count: count(universe, (d) => (fails[d] & ~DIS) === 0 && (facets.dis[d] & m) === m) });
    }
    for (const slug of state.svc) {
      const bit = 1 << services.indexOf(slug);
      const m = filter.svc & ~bit;
      out.push({ kind: "svc", value: slug, count: count(universe, (d) => (fails[d] & ~SVC) === 0 && (facets.svc[d] & m) === m) });
    }
    for (const slug of state.opt) {
      const m = filter.opt & ~(1 << this.config.options.indexOf(slug));
      out.push({ kind: "opt", value: slug, count: count(universe, (d) => (fails[d] & ~OPT) === 0 && (facets.opt[d] & m) === m) });
    }
    if (filter.walk !== null) out.push({ kind: "walk", count: count(universe, (d) => (fails[d] & ~WALK) === 0) });
    if (filter.vacancy) out.push({ kind: "vacancy", count: count(universe, (d) => (fails[d] & ~VAC) === 0) });
    if (filter.within) out.push({ kind: "within", count: count(universe, (d) => (fails[d] & ~NEAR) === 0) });
    return out;
  }

  /** docs (ascending) in display order. */
  async order(docs, sort, facets, text) {
    if (sort === "name") {
      const prefs = new Set();
      for (let i = 0; i < docs.length && prefs.size < 2; i++) prefs.add(facets.pref[docs[i]]);
      if (prefs.size < 2) return docs; // one prefecture: doc order is reading order
      // rank is a permutation: place each facility at its rank, then close the gaps.
      const rank = await this.nameRanks();
      const byRank = new Int32Array(facets.count).fill(-1);
      for (const d of docs) byRank[rank[d]] = d;
      return byRank.filter((d) => d >= 0);
    }
    if (sort === "relevance") {
      // Rank the signatures by score (equal up to rounding noise is equal), then
      // sort the facilities by their signature's rank; ties stay in doc order.
      const rounded = Array.from(text.scores, (score) => Math.round(score * 1e9));
      const distinct = [...new Set(rounded)].sort((a, b) => b - a);
      const tierOfScore = new Map(distinct.map((score, i) => [score, i]));
      const tierOfSignature = Int32Array.from(rounded, (score) => tierOfScore.get(score));
      const tier = new Int32Array(facets.count);
      const { docs: matched, signatureOf } = text;
      for (let i = 0; i < matched.length; i++) tier[matched[i]] = tierOfSignature[signatureOf[i]];
      return countingSort(docs, tier, distinct.length);
    }
    const values = sort === "walk" ? facets.walk : await this.sortColumn(sort);
    // Unknown (非公開 or 未掲載, no station) always last, in either direction.
    let max = 0;
    for (const d of docs) if (values[d] > max) max = values[d];
    const keys = new Int32Array(facets.count);
    const unknown = max + 1;
    for (const d of docs) {
      const v = values[d];
      keys[d] = v === UNKNOWN_RANK || v === NO_STATION ? unknown : DESCENDING[sort] ? max - v : v;
    }
    return countingSort(docs, keys, unknown + 1);
  }

  /**
   * Card data for ordered[offset, offset + limit): [{doc, pref, dis, svc, row}].
   *
   * Card rows are stored in chunks of CARD_CHUNK neighbours and by prefecture
   * (search_data.card_files). Ties in every order are broken by doc order, so
   * a page of cards is often a few neighbours (a chunk or two) or many cards of
   * one prefecture (its file, fetched once for the following keystrokes too).
   * Rows a character shard carried (keepCardRows) are not fetched again.
   */
  async cards(ordered, offset, limit, metres = null, rows = null) {
    const facets = this.table(); // pref and prefStarts are known at once; dis and svc once `rows` arrived
    const chunk = this.config.cardChunk;
    const picked = Array.from(ordered.subarray(offset, offset + limit));
    const known = (path) => this.files.has(this.url(path)); // loaded or on its way
    const chunkOf = (d) => `cards/doc-${Math.floor(d / chunk)}.json`;
    const byPref = new Map();
    for (const d of picked) {
      if (!byPref.has(facets.pref[d])) byPref.set(facets.pref[d], []);
      byPref.get(facets.pref[d]).push(d);
    }
    const place = new Map(); // doc -> [path, index in that file]
    for (const [p, all] of byPref) {
      const docs = all.filter((d) => !this.cardRows.has(d)); // the rows a shard did not carry
      const prefFile = `cards/pref-${this.config.prefectures[p]}.json`;
      const newChunks = new Set(docs.map(chunkOf).filter((path) => !known(path)));
      const whole = known(prefFile) || (newChunks.size > (this.config.chunksAtOnce ?? FEW_CHUNKS) && docs.length >= MANY_IN_ONE_PREFECTURE);
      for (const d of docs) place.set(d, whole ? [prefFile, d - facets.prefStarts[p]] : [chunkOf(d), d % chunk]);
    }
    // The card files and the facet rows of these cards (their services and disabilities) at once.
    const [cardRows] = await Promise.all([
      Promise.all(
        picked.map(async (d) => {
          if (this.cardRows.has(d)) return this.cardRows.get(d);
          const [path, index] = place.get(d);
          return (await this.file(path))[index];
        }),
      ),
      rows ?? this.facetsFor([...byPref.keys()]),
    ]);
    return picked.map((d, i) => {
      const card = { doc: d, pref: facets.pref[d], dis: facets.dis[d], svc: facets.svc[d], row: cardRows[i] };
      // Metres from the visitor's position; null without a location (no distance to show).
      if (metres) card.distance = metres[d] === metres[d] ? metres[d] : null;
      return card;
    });
  }
}

// A page with at least this many cards of one prefecture, spread over more
// than FEW_CHUNKS new chunks, fetches the prefecture's whole card file. Over
// HTTP/2 or HTTP/3 small files cost no extra round trip, so the page raises the
// limit (config.chunksAtOnce): a page of 20 cards is then about 12 KiB of chunks
// instead of a prefecture's file (57 KiB gzip for Tokyo at 30,000 facilities).
const MANY_IN_ONE_PREFECTURE = 8;
const FEW_CHUNKS = 3;

// A keyword found in more prefectures than this, or in prefectures holding more than this share of
// the facilities, loads the whole facet table rather than their parts.
const MAX_FACET_PARTS = 8;
const MAX_FACET_SHARE = 0.4;
const FACET_COLUMNS = ["dis", "svc", "walk", "opt", "vac"];

/** Whether a condition other than the prefecture filters (then every facility's facet columns count). */
function filtersBeyondPrefecture(state) {
  return Boolean(
    (state.dis || []).length || (state.svc || []).length || (state.opt || []).length || state.walk != null || (state.vacancy || []).includes("yes") || state.within != null,
  );
}

const PREF = 1;
const DIS = 2;
const SVC = 4;
const WALK = 8;
const OPT = 16;
const VAC = 32;
const NEAR = 64; // 「○km以内」: farther, or no location

/**
 * Scores the matches as lunr.js 2.3.9 would (issue 17: without fetching
 * lunr.js, 8.4 KiB of gzip that stood between a keyword and its cards on a
 * phone network). Facilities whose summed weights per (query word, field) are
 * identical score identically, so each distinct signature is scored once: a
 * one-character query can match all 30,000 facilities. Each query word is one
 * term whose weight in a field is the sum of lunr.py's weights of the matched
 * index terms there; lunr's cosine score then equals its score on the full
 * index up to one factor shared by every result, so the order is the same
 * (tests/search/test_search_engine.py checks that against lunr.js on the full
 * index, and tests/search/test_search_rank.py these scores, bit for bit,
 * against lunr.js querying the same signatures).
 *
 * @param {string[]} words the query words, unique (parseQuery), in typed order
 * @returns {{signatureOf: Int32Array, scores: Float64Array}} each match's signature, each signature's score
 */
export function rankSignatures(words, fields, { sums, present, width, cells = null }, matchCount) {
  if (matchCount === 0) return { signatureOf: new Int32Array(0), scores: new Float64Array(0) };
  const signatureOf = new Int32Array(matchCount);
  const representatives = [];
  // Signature ids in order of first appearance, found through an open-addressing table
  // (slot -> id + 1; 0 is empty) with int32 arithmetic only: 30,000 matches take well
  // under a millisecond (a Map of boxed hash keys took several).
  let size = 16;
  while (size < matchCount * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size);
  // Only the cells some match can have (`cells`, from matchText): the rest are 0 everywhere.
  const compared = cells ?? Int32Array.from({ length: width }, (_, k) => k);
  const n = compared.length;
  for (let m = 0; m < matchCount; m++) {
    const base = m * width;
    let hash = 0x811c9dc5 | 0; // FNV-1a offset basis as int32
    for (let j = 0; j < n; j++) hash = Math.imul(hash ^ ((sums[base + compared[j]] * 2 + present[base + compared[j]]) | 0), 16777619);
    let at = hash & mask;
    let id = -1;
    while (slots[at] !== 0) {
      const other = representatives[slots[at] - 1] * width;
      let j = 0;
      while (j < n && sums[other + compared[j]] === sums[base + compared[j]] && present[other + compared[j]] === present[base + compared[j]]) j++;
      if (j === n) {
        id = slots[at] - 1;
        break;
      }
      at = (at + 1) & mask;
    }
    if (id < 0) {
      id = representatives.length;
      representatives.push(m);
      slots[at] = id + 1;
    }
    signatureOf[m] = id;
  }
  return { signatureOf, scores: signatureScores(words, fields.length, { sums, present, width }, representatives) };
}

/**
 * lunr.js's score of one document per representative match (lunr.Index.prototype.query with
 * one REQUIRED clause per word over every field, boost 1, no pipeline), in lunr's own
 * order of floating-point operations, so ties and rounding come out the same:
 * - each field's query vector holds every word's term with weight 1 (each clause upserts its
 *   term into every field), so its magnitude is sqrt(number of words);
 * - a field's score is the dot product of that vector with the field vector, summed over the
 *   words present in the field in term order (the words sorted, as the index's terms), divided
 *   by that magnitude (lunr.Vector.similarity);
 * - a document's score adds its fields' scores in the order lunr first met each field of it:
 *   by the first word (in typed order) present there, then by field order.
 */
function signatureScores(words, fieldCount, { sums, present, width }, representatives) {
  const wordCount = words.length;
  const magnitude = Math.sqrt(wordCount);
  // The words' indices in term order: lunr sorts the index's terms (JavaScript string order).
  const byTerm = Array.from({ length: wordCount }, (_, w) => w).sort((a, b) => (words[a] < words[b] ? -1 : words[a] > words[b] ? 1 : 0));
  const scores = new Float64Array(representatives.length);
  const fieldScore = new Float64Array(fieldCount);
  const seen = new Uint8Array(fieldCount);
  const order = new Int32Array(fieldCount);
  representatives.forEach((m, id) => {
    const base = m * width;
    let n = 0;
    seen.fill(0);
    for (let w = 0; w < wordCount; w++) {
      for (let f = 0; f < fieldCount; f++) {
        if (!seen[f] && present[base + w * fieldCount + f]) {
          seen[f] = 1;
          order[n++] = f;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const f = order[i];
      let dot = 0;
      for (const w of byTerm) if (present[base + w * fieldCount + f]) dot += sums[base + w * fieldCount + f] / 1000;
      fieldScore[i] = dot / magnitude || 0;
    }
    if (n === 0) return; // no field has a word: lunr would not list it (a match always has one)
    let score = fieldScore[0];
    for (let i = 1; i < n; i++) score += fieldScore[i];
    scores[id] = score;
  });
  return scores;
}
