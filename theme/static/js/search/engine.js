/**
 * The search engine behind /search/: filters, counts, text matching, ranking,
 * sorting and the cards of one page of results. No DOM: it runs in the search
 * worker (worker.js), on the page when workers are unavailable, and in Node
 * for the tests.
 *
 * Data (written by plugins/facility_site/search_page.py under search/<version>/):
 * - facets.json                 prefecture, disability, service, walk per facility
 * - sort-<metric>.json          a metric's rank per facility, fetched when sorted by it
 * - cards/<pref>-<k>.json       what the cards show, fetched for the cards on screen
 * - text/terms.json, text/<k>.json   the full-text index, fetched on first text search
 *
 * Facilities are numbered in reading (kana) order, so "name" order is the doc
 * order and every other sort breaks ties by name.
 */
import { effectiveSort } from "./state.js";
import { parseQuery } from "./tokenizer.js";

const NO_STATION = -1;
const UNKNOWN_RANK = -1;
const METRIC_SORTS = { retention: "desc", hires: "desc", capacity: "desc", stay: "asc" };

/**
 * @typedef {{q: string, pref: string[], dis: string[], svc: string[], walk: number|null, sort: string|null}} SearchState
 */

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

export class SearchEngine {
  /**
   * @param {{dataUrl: string, lunrUrl: string, prefectures: string[], disabilities: string[],
   *          services: string[], walkOptions: number[], cardChunk: number}} config
   *   dataUrl and lunrUrl absolute; the lists are slugs in bit / code order.
   * @param {(url: string) => Promise<any>} [load] how to fetch a JSON file (tests pass their own)
   */
  constructor(config, load = fetchJson) {
    this.config = config;
    this.load = load;
    this.files = new Map(); // url -> Promise of parsed JSON
    this.last = null; // the ordered result list of the last search, for "more"
  }

  file(path) {
    const url = new URL(path, this.config.dataUrl).href;
    if (!this.files.has(url)) {
      const pending = this.load(url);
      this.files.set(url, pending);
      pending.catch(() => this.files.delete(url)); // a failed fetch may be retried
    }
    return this.files.get(url);
  }

  async facets() {
    if (!this._facets) {
      this._facets = this.file("facets.json").then((data) => {
        const count = data.count;
        const positionInPref = new Int32Array(count);
        const seen = new Int32Array(this.config.prefectures.length);
        for (let doc = 0; doc < count; doc++) positionInPref[doc] = seen[data.pref[doc]]++;
        return {
          count,
          pref: Uint8Array.from(data.pref),
          dis: Uint8Array.from(data.dis),
          svc: Uint8Array.from(data.svc),
          walk: Int16Array.from(data.walk),
          positionInPref,
        };
      });
      this._facets.catch(() => (this._facets = null));
    }
    return this._facets;
  }

  // --- text ----------------------------------------------------------------

  async lunr() {
    if (!this._lunr) {
      this._lunr = import(this.config.lunrUrl).then((module) => module.default);
      this._lunr.catch(() => (this._lunr = null));
    }
    return this._lunr;
  }

  async vocabulary() {
    if (!this._vocabulary) {
      this._vocabulary = this.file("text/terms.json").then((data) => {
        const terms = data.terms.split("\n");
        // One string "\nterm0\nterm1\n…\n" scanned with indexOf: every term containing
        // a query word, in a few milliseconds even for 100,000 terms.
        const joined = `\n${data.terms}\n`;
        const starts = new Int32Array(terms.length);
        let offset = 1;
        for (let i = 0; i < terms.length; i++) {
          starts[i] = offset;
          offset += terms[i].length + 1;
        }
        return { fields: data.fields, terms, joined, starts, shardStarts: data.shardStarts, postings: new Array(terms.length) };
      });
      this._vocabulary.catch(() => (this._vocabulary = null));
    }
    return this._vocabulary;
  }

  /** Indexes of the terms that contain `word` (lunr's `*word*`), ascending. */
  static expand(vocabulary, word) {
    const { joined, starts } = vocabulary;
    const found = [];
    let from = 0;
    for (;;) {
      const at = joined.indexOf(word, from);
      if (at < 0) break;
      // The term whose start is the last one at or before `at`.
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (starts[mid] <= at) low = mid;
        else high = mid - 1;
      }
      found.push(low);
      from = joined.indexOf("\n", at);
      if (from < 0) break;
    }
    return found;
  }

  static shardOf(vocabulary, termIndex) {
    const starts = vocabulary.shardStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= termIndex) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  async loadPostings(vocabulary, termIndexes) {
    const shards = new Set();
    for (const t of termIndexes) if (!vocabulary.postings[t]) shards.add(SearchEngine.shardOf(vocabulary, t));
    await Promise.all(
      [...shards].map(async (k) => {
        const entries = await this.file(`text/${k}.json`);
        const first = vocabulary.shardStarts[k];
        for (let i = 0; i < entries.length; i++) {
          if (!vocabulary.postings[first + i]) vocabulary.postings[first + i] = decodeTerm(entries[i]);
        }
      }),
    );
  }

  /**
   * Facilities that contain every query word as part of one term (AND), with
   * lunr's score for each, and for each word the facilities that have it
   * (for "remove this word" advice when nothing matches).
   * @returns {Promise<{docs: Int32Array, scores: Float64Array, perWord: Uint8Array[]}>}
   */
  async matchText(words) {
    const [facets, vocabulary] = await Promise.all([this.facets(), this.vocabulary()]);
    const count = facets.count;
    const expansions = words.map((word) => SearchEngine.expand(vocabulary, word));
    const [lunr] = await Promise.all([this.lunr(), this.loadPostings(vocabulary, expansions.flat())]);
    const fieldCount = vocabulary.fields.length;

    // Pass 1: which facilities have each word (in any field); keep those with all.
    const hits = new Uint8Array(count);
    const perWord = expansions.map((terms) => {
      const has = new Uint8Array(count);
      for (const t of terms) {
        for (const { docs } of vocabulary.postings[t]) for (let i = 0; i < docs.length; i++) has[docs[i]] = 1;
      }
      for (let d = 0; d < count; d++) hits[d] += has[d];
      return has;
    });
    const matched = [];
    for (let d = 0; d < count; d++) if (hits[d] === words.length) matched.push(d);
    const docs = Int32Array.from(matched);

    // Pass 2: each match's summed weight per (word, field), and whether the
    // word is there at all (a weight can round to 0): its score signature.
    const slot = new Int32Array(count).fill(-1);
    docs.forEach((d, i) => (slot[d] = i));
    const width = words.length * fieldCount;
    const sums = new Int32Array(docs.length * width);
    const present = new Uint8Array(docs.length * width);
    expansions.forEach((terms, w) => {
      for (const t of terms) {
        for (const { field, docs: termDocs, weights } of vocabulary.postings[t]) {
          const cell = w * fieldCount + field;
          for (let i = 0; i < termDocs.length; i++) {
            const s = slot[termDocs[i]];
            if (s < 0) continue;
            sums[s * width + cell] += weights[i];
            present[s * width + cell] = 1;
          }
        }
      }
    });
    const scores = rankWithLunr(lunr, words, vocabulary.fields, { sums, present, width }, docs.length);
    return { docs, scores, perWord };
  }

  // --- one search -------------------------------------------------------------

  /**
   * @param {SearchState} state
   * @param {number} limit how many cards to return
   */
  async search(state, limit) {
    const query = parseQuery(state.q || "");
    const hasText = query.words.length > 0;
    const [facets, text] = await Promise.all([this.facets(), hasText ? this.matchText(query.words) : null]);
    const count = facets.count;
    const filter = this.filterFor(state);

    let universe = null; // null: every facility
    let scores = null;
    let perWord = [];
    if (text) {
      universe = text.docs;
      perWord = text.perWord;
      scores = new Float64Array(count);
      text.docs.forEach((d, i) => (scores[d] = text.scores[i]));
    }

    const counts = this.countChoices(facets, filter, universe);
    const results = [];
    forEachDoc(universe, count, (d) => {
      if (filter.pass(facets, d)) results.push(d);
    });
    const sort = effectiveSort(state, hasText);
    const ordered = await this.order(Int32Array.from(results), sort, facets, scores);
    const excludedUnchecked = filter.dis ? this.countUnchecked(facets, filter, universe) : 0;
    const relax = ordered.length === 0 ? this.relaxations(facets, state, filter, universe, query.words, perWord) : [];
    this.last = { ordered };
    return {
      total: ordered.length,
      sort,
      counts,
      excludedUnchecked,
      relax,
      truncated: query.truncated,
      words: query.words,
      cards: await this.cards(ordered, 0, limit),
    };
  }

  /** The next cards of the last search. */
  async more(offset, limit) {
    if (!this.last) return [];
    return this.cards(this.last.ordered, offset, limit);
  }

  filterFor(state) {
    const { prefectures, disabilities, services } = this.config;
    const prefSet = new Set(state.pref.map((slug) => prefectures.indexOf(slug)).filter((i) => i >= 0));
    const mask = (slugs, vocabulary) => slugs.reduce((m, slug) => (vocabulary.includes(slug) ? m | (1 << vocabulary.indexOf(slug)) : m), 0);
    const dis = mask(state.dis, disabilities);
    const svc = mask(state.svc, services);
    const walk = state.walk == null ? null : state.walk * 10;
    const passPref = (f, d) => prefSet.size === 0 || prefSet.has(f.pref[d]);
    const passDis = (f, d, m = dis) => (f.dis[d] & m) === m;
    const passSvc = (f, d, m = svc) => (f.svc[d] & m) === m;
    const passWalk = (f, d, limit = walk) => limit === null || (f.walk[d] !== NO_STATION && f.walk[d] <= limit);
    return {
      prefSet,
      dis,
      svc,
      walk,
      passPref,
      passDis,
      passSvc,
      passWalk,
      pass: (f, d) => passPref(f, d) && passDis(f, d) && passSvc(f, d) && passWalk(f, d),
    };
  }

  /** For every choice, how many results it would give with the other groups as chosen. */
  countChoices(facets, filter, universe) {
    const { prefectures, disabilities, services, walkOptions } = this.config;
    const pref = new Array(prefectures.length).fill(0);
    const dis = new Array(disabilities.length).fill(0);
    const svc = new Array(services.length).fill(0);
    const walk = new Array(walkOptions.length).fill(0);
    let anyWalk = 0;
    forEachDoc(universe, facets.count, (d) => {
      const p = filter.passPref(facets, d);
      const di = filter.passDis(facets, d);
      const s = filter.passSvc(facets, d);
      const w = filter.passWalk(facets, d);
      if (di && s && w) pref[facets.pref[d]]++;
      if (p && di && w) {
        // A service choice gives the facilities that also offer it (AND).
        for (let i = 0; i < services.length; i++) if (facets.svc[d] & (1 << i) && filter.passSvc(facets, d)) svc[i]++;
      }
      if (p && s && w && filter.passDis(facets, d)) {
        for (let i = 0; i < disabilities.length; i++) if (facets.dis[d] & (1 << i)) dis[i]++;
      }
      if (p && di && s) {
        anyWalk++;
        const minutes = facets.walk[d];
        if (minutes !== NO_STATION) for (let i = 0; i < walkOptions.length; i++) if (minutes <= walkOptions[i] * 10) walk[i]++;
      }
    });
    return { pref, dis, svc, walk, anyWalk };
  }

  /** Facilities left out only because their disability types are not known yet (未確認). */
  countUnchecked(facets, filter, universe) {
    let n = 0;
    forEachDoc(universe, facets.count, (d) => {
      if (facets.dis[d] === 0 && filter.passPref(facets, d) && filter.passSvc(facets, d) && filter.passWalk(facets, d)) n++;
    });
    return n;
  }

  /** With no results: for each condition, how many results there would be without it. */
  relaxations(facets, state, filter, universe, words, perWord) {
    const out = [];
    const countWhere = (docs, test) => {
      let n = 0;
      forEachDoc(docs, facets.count, (d) => {
        if (test(d)) n++;
      });
      return n;
    };
    if (words.length) {
      words.forEach((word, w) => {
        // Facilities with every word but this one.
        const others = perWord.filter((_, i) => i !== w);
        const n = countWhere(null, (d) => others.every((has) => has && has[d]) && filter.pass(facets, d));
        out.push({ kind: "word", value: word, count: n });
      });
    }
    if (filter.prefSet.size) out.push({ kind: "pref", count: countWhere(universe, (d) => filter.passDis(facets, d) && filter.passSvc(facets, d) && filter.passWalk(facets, d)) });
    const { disabilities, services } = this.config;
    for (const slug of state.dis) {
      const i = disabilities.indexOf(slug);
      if (i < 0) continue;
      const m = filter.dis & ~(1 << i);
      out.push({ kind: "dis", value: slug, count: countWhere(universe, (d) => filter.passPref(facets, d) && filter.passDis(facets, d, m) && filter.passSvc(facets, d) && filter.passWalk(facets, d)) });
    }
    for (const slug of state.svc) {
      const i = services.indexOf(slug);
      if (i < 0) continue;
      const m = filter.svc & ~(1 << i);
      out.push({ kind: "svc", value: slug, count: countWhere(universe, (d) => filter.passPref(facets, d) && filter.passDis(facets, d) && filter.passSvc(facets, d, m) && filter.passWalk(facets, d)) });
    }
    if (filter.walk !== null) {
      out.push({ kind: "walk", count: countWhere(universe, (d) => filter.passPref(facets, d) && filter.passDis(facets, d) && filter.passSvc(facets, d)) });
    }
    return out;
  }

  async order(docs, sort, facets, scores) {
    const list = Array.from(docs); // ascending doc order = name order
    if (sort === "name") return Int32Array.from(list);
    if (sort === "relevance") {
      list.sort((a, b) => scores[b] - scores[a] || a - b);
    } else if (sort === "walk") {
      const walk = facets.walk;
      const key = (d) => (walk[d] === NO_STATION ? Infinity : walk[d]);
      list.sort((a, b) => key(a) - key(b) || a - b);
    } else {
      const column = await this.sortColumn(sort);
      const sign = METRIC_SORTS[sort] === "desc" ? -1 : 1;
      // Unknown (非公開) always last, whichever direction.
      const key = (d) => (column[d] === UNKNOWN_RANK ? Infinity : sign * column[d]);
      list.sort((a, b) => key(a) - key(b) || a - b);
    }
    return Int32Array.from(list);
  }

  async sortColumn(sort) {
    const data = await this.file(`sort-${sort}.json`);
    return data.ranks;
  }

  /** Card data for ordered[offset, offset + limit): [{doc, pref, dis, svc, row}]. */
  async cards(ordered, offset, limit) {
    const facets = await this.facets();
    const chunk = this.config.cardChunk;
    const picked = Array.from(ordered.subarray(offset, offset + limit));
    const files = picked.map((d) => `cards/${this.config.prefectures[facets.pref[d]]}-${Math.floor(facets.positionInPref[d] / chunk)}.json`);
    const loaded = await Promise.all(files.map((path) => this.file(path)));
    return picked.map((d, i) => ({
      doc: d,
      pref: facets.pref[d],
      dis: facets.dis[d],
      svc: facets.svc[d],
      row: loaded[i][facets.positionInPref[d] % chunk],
    }));
  }
}

function forEachDoc(universe, count, visit) {
  if (universe === null) {
    for (let d = 0; d < count; d++) visit(d);
  } else {
    for (let i = 0; i < universe.length; i++) visit(universe[i]);
  }
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
 * lunr.js scores the matches. Facilities whose summed weights per (query
 * word, field) are identical score identically, so lunr gets one document per
 * distinct signature instead of one per facility: lunr.js's query costs tens of
 * microseconds per matching (document, field) pair, and a one-character query
 * can match all 30,000 facilities. Each query word is one lunr term whose
 * weight in a field is the sum of lunr.py's weights of the matched index terms
 * there; lunr's cosine score then equals its score on the full index up to one
 * factor shared by every result, so the order is the same
 * (tests/test_search_engine.py checks that against lunr.js on the full index).
 *
 * @returns {Float64Array} score per match
 */
export function rankWithLunr(lunr, words, fields, { sums, present, width }, matchCount) {
  const scores = new Float64Array(matchCount);
  if (matchCount === 0) return scores;
  const signatureOf = new Int32Array(matchCount);
  const signatures = new Map();
  const representatives = [];
  for (let m = 0; m < matchCount; m++) {
    const key = `${sums.subarray(m * width, (m + 1) * width).join(",")}|${present.subarray(m * width, (m + 1) * width).join("")}`;
    let id = signatures.get(key);
    if (id === undefined) {
      id = representatives.length;
      signatures.set(key, id);
      representatives.push(m);
    }
    signatureOf[m] = id;
  }
  const fieldCount = fields.length;
  const order = words.map((word, w) => [word, w]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const cell = (m, w, f) => m * width + w * fieldCount + f;
  const invertedIndex = order.map(([word, w], termIndex) => {
    const posting = { _index: termIndex };
    fields.forEach((field, f) => {
      posting[field] = {};
      representatives.forEach((m, id) => {
        if (present[cell(m, w, f)]) posting[field][id] = {};
      });
    });
    return [word, posting];
  });
  const fieldVectors = [];
  fields.forEach((field, f) => {
    representatives.forEach((m, id) => {
      const elements = [];
      order.forEach(([, w], termIndex) => {
        if (present[cell(m, w, f)]) elements.push(termIndex, sums[cell(m, w, f)] / 1000);
      });
      if (elements.length) fieldVectors.push([`${field}/${id}`, elements]);
    });
  });
  const index = lunr.Index.load({ version: lunr.version, fields, fieldVectors, invertedIndex, pipeline: [] });
  const required = lunr.Query.presence.REQUIRED;
  const byId = new Float64Array(representatives.length);
  for (const { ref, score } of index.query((q) => words.forEach((word) => q.term(word, { presence: required })))) {
    byId[Number(ref)] = score;
  }
  for (let m = 0; m < matchCount; m++) scores[m] = byId[signatureOf[m]];
  return scores;
}
