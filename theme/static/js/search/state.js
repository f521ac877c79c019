/**
 * The search state and its URL form:
 *
 *   ?q=新宿&pref=tokyo,kanagawa&dis=mental&svc=retention&opt=remote,lunch&vacancy=yes&walk=10&sort=retention
 *   ?sort=near&within=5   (「現在地から近い順」, 「5km以内」: the position itself is never in the URL)
 *
 * Lists are comma-separated slugs; the plain HTML form's repeated parameters
 * (pref=tokyo&pref=kanagawa) are read too. Unknown parameters and values are
 * dropped and reported, never an error.
 */
/** Sort orders: relevance needs text; the metric sorts fetch their column. */
export const SORTS = ["relevance", "retention", "hires", "capacity", "stay", "walk", "name", "near"];

/** The sort actually used: relevance only with text; name (kana order) by default. */
export function effectiveSort(state, hasText) {
  if (state.sort === "relevance") return hasText ? "relevance" : "name";
  if (state.sort && SORTS.includes(state.sort)) return state.sort;
  return hasText ? "relevance" : "name";
}

/**
 * @typedef {{q: string, pref: string[], dis: string[], svc: string[], opt: string[], vacancy: string[], walk: number|null, sort: string|null, within?: number|null}} SearchState
 *   opt: practical conditions (remote, lunch, transport, pickup), "offers every one chosen"
 *   vacancy: ["yes"] keeps offices with a place free, checked within 60 days
 *   within: km from the visitor's position (1, 2, 5, 10, 20), applied once the position is known
 */

/** The one value of the vacancy list. */
export const VACANCY_VALUES = ["yes"];

/** The list parameters, in URL order. */
export const LISTS = ["pref", "dis", "svc", "opt", "vacancy"];
const KNOWN = new Set(["q", ...LISTS, "walk", "sort", "within"]);
/** 「○km以内」 choices (search/page.py WITHIN_OPTIONS). */
export const WITHIN_OPTIONS = [1, 2, 5, 10, 20];

/** @returns {SearchState} */
export function emptyState() {
  return { q: "", pref: [], dis: [], svc: [], opt: [], vacancy: [], walk: null, sort: null, within: null };
}

/**
 * @param {string} search location.search
 * @param {{prefectures: string[], disabilities: string[], services: string[], options: string[], walkOptions: number[]}} vocab
 * @returns {{state: SearchState, ignored: string[]}} ignored: "name=value" pieces
 */
export function readState(search, vocab) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  const ignored = [];
  const allowed = { pref: vocab.prefectures, dis: vocab.disabilities, svc: vocab.services, opt: vocab.options, vacancy: VACANCY_VALUES };
  for (const [name, value] of params) {
    if (!KNOWN.has(name)) {
      ignored.push(`${name}=${value}`);
    } else if (name === "q") {
      state.q = state.q ? `${state.q} ${value}` : value;
    } else if (LISTS.includes(name)) {
      for (const piece of value.split(",")) {
        const slug = piece.trim();
        if (!slug) continue;
        if (allowed[name].includes(slug)) {
          if (!state[name].includes(slug)) state[name].push(slug);
        } else {
          ignored.push(`${name}=${slug}`);
        }
      }
    } else if (name === "walk") {
      const minutes = Number(value);
      if (value === "") continue;
      if (vocab.walkOptions.includes(minutes) && /^\d+$/.test(value.trim())) state.walk = minutes;
      else ignored.push(`walk=${value}`);
    } else if (name === "within") {
      if (value === "") continue;
      const km = Number(value);
      if (WITHIN_OPTIONS.includes(km) && /^\d+$/.test(value.trim())) state.within = km;
      else ignored.push(`within=${value}`);
    } else if (name === "sort") {
      if (value === "") continue;
      if (SORTS.includes(value)) state.sort = value;
      else ignored.push(`sort=${value}`);
    }
  }
  // Canonical order: the vocabulary's order, so equal searches get equal URLs.
  for (const name of LISTS) state[name].sort((a, b) => allowed[name].indexOf(a) - allowed[name].indexOf(b));
  return { state, ignored };
}

/** The query string for a state ("" when nothing is chosen). */
export function stateToSearch(state) {
  const parts = [];
  const add = (name, value) => parts.push(`${name}=${encodeURIComponent(value).replace(/%2C/g, ",")}`);
  if (state.q.trim()) add("q", state.q.trim());
  for (const name of LISTS) if (state[name].length) add(name, state[name].join(","));
  if (state.walk !== null) add("walk", String(state.walk));
  if (state.sort) add("sort", state.sort);
  if (state.within != null) add("within", String(state.within));
  return parts.length ? `?${parts.join("&")}` : "";
}

export function sameState(a, b) {
  return stateToSearch(a) === stateToSearch(b);
}
