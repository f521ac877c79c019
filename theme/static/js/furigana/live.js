/**
 * ふりがな on the text the scripts render themselves: search cards, the
 * comparison table, the visit planner, the compare tray. Loaded only once
 * ふりがな is switched on (furigana-init.js imports it then), so a visitor with it
 * off fetches neither this module nor the readings.
 *
 * The readings come from the build, as chunks such as
 * 流山《ながれやま》おおたかの森《もり》駅《えき》 (plugins/facility_site/furigana/browser.py):
 * furigana/readings.json holds the scripts' words and the data that is not in
 * chunks; each data chunk has its own file, furigana/<the chunk's path>, fetched
 * when the page shows it: a search card's doc chunk (its data-doc), a
 * facility-data chunk the page fetched (compare table, visit planner).
 * A MutationObserver puts <ruby> over each new text with kanji, the longest
 * known chunk first, so the renderers need no change; when a chunk's readings
 * arrive after its text, the text gets them then. Live regions are left
 * alone: changing them again would make screen readers announce them twice; one shown
 * on screen gets a copy with ruby beside it for the eyes (mirrorLiveRegion).
 */
import { siteUrl } from "../config.js";
import { dataFileUrl } from "../search/data-url.js";

const KANJI = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff々〆";
const HAS_KANJI = new RegExp(`[${KANJI}]|[\\uD840-\\uD87F][\\uDC00-\\uDFFF]`);
const NOTATION = new RegExp(`(?:｜([^｜《》]+)|([${KANJI}ヶヵ]+))《([^｜《》]*)》`, "gu");
const DIGIT = /[0-9０-９]/;
const SKIP = [
  // The visit planner's message is a <pre> of plain Japanese to be sent: its reader needs the ruby too
  // (the copy button copies the composed text, not the page's).
  "script", "style", "textarea", "select", "option", "code", "pre:not([data-visit-message])", "svg", "math", "template", "ruby",
  "[contenteditable]", "[aria-live]", "[role='status']", "[role='alert']", "[role='log']",
].join(",");
// The page's own text takes the shared words (furigana/words.json) at load, while the page is
// hidden: live regions too, as the build wrote their text (plugins/facility_site/furigana/shared.py).
const STATIC_SKIP = SKIP.split(",").filter((selector) => !/aria-live|role=/.test(selector)).join(",");

/**
 * Segments of a text in 青空文庫 notation: 漢字《かんじ》 puts the reading over the kanji
 * just before it; ｜ marks where a base starts. The same rules as furigana/reading.py.
 * @param {string} text
 * @returns {Array<[string, string]>} [base, reading] pairs; reading "" for bare text
 */
export function parseNotation(text) {
  const out = [];
  let pos = 0;
  for (const match of text.matchAll(NOTATION)) {
    if (match.index > pos) out.push([text.slice(pos, match.index), ""]);
    out.push([match[1] || match[2], match[3]]);
    pos = match.index + match[0].length;
  }
  if (pos < text.length) out.push([text.slice(pos), ""]);
  return out;
}

/**
 * The chunks as a lookup table: the plain text of each chunk → its segments.
 * @param {string[]} entries
 */
export function buildDictionary(entries) {
  // No counter rule here: the shared words (putSharedWords) are read exactly as the build planned them
  // (furigana/shared.py SharedWords.segment); only the chunks' dictionary below has it.
  const dictionary = { chunks: new Map(), longest: 0, counters: false };
  addChunks(dictionary, entries);
  return dictionary;
}

const said = (segments) => segments.map(([base, reading]) => `${base}\u0000${reading}`).join("\u0001");

/**
 * Add chunks to a dictionary. A text two chunks read differently (空《あ》 and 空《から》, from
 * different sentences) is read by neither: no ruby there rather than the wrong one.
 * @param {{chunks: Map<string, Array<[string, string]>|null>, longest: number}} dictionary
 * @param {string[]} entries
 */
export function addChunks(dictionary, entries) {
  for (const entry of entries) {
    const segments = parseNotation(entry);
    const key = segments.map(([base]) => base).join("");
    const known = dictionary.chunks.get(key);
    if (known === null) continue;
    dictionary.chunks.set(key, known && said(known) !== said(segments) ? null : segments);
    dictionary.longest = Math.max(dictionary.longest, key.length);
  }
}

/**
 * The segments of a text: at each place the longest known chunk, the rest bare.
 * A chunk that starts with a digit is taken only where a number starts (2分 is not the end of 12分).
 * @param {string} text
 * @param {{chunks: Map<string, Array<[string, string]>|null>, longest: number, counters?: boolean}} dictionary
 */
export function segmentText(text, dictionary) {
  // (dictionary.counters: a lone kanji right after a number is its counter (30日, 11月, 6ヶ月), read
  // only as part of a chunk that starts at the number: 日《ひ》 on its own is not 30日's reading.)
  const out = [];
  let bare = "";
  let i = 0;
  while (i < text.length) {
    let found = null;
    if (HAS_KANJI.test(text.slice(i, i + dictionary.longest)) || DIGIT.test(text[i])) {
      for (let length = Math.min(dictionary.longest, text.length - i); length > 0; length -= 1) {
        const candidate = dictionary.chunks.get(text.slice(i, i + length));
        if (candidate && !(DIGIT.test(text[i]) && i > 0 && DIGIT.test(text[i - 1])) && !(dictionary.counters && length === 1 && afterNumber(text, i))) {
          found = candidate;
          i += length;
          break;
        }
      }
    }
    if (found) {
      if (bare) out.push([bare, ""]);
      bare = "";
      out.push(...found);
    } else {
      bare += text[i];
      i += 1;
    }
  }
  if (bare) out.push([bare, ""]);
  return out;
}

function afterNumber(text, i) {
  const before = i > 1 && /[ヶヵかカケ]/.test(text[i - 1]) ? i - 1 : i;
  return before > 0 && DIGIT.test(text[before - 1]);
}

function rubyNodes(segments) {
  const nodes = segments.map(([base, reading]) => {
    if (!reading) return document.createTextNode(base);
    const ruby = document.createElement("ruby");
    const rt = document.createElement("rt");
    ruby.append(base);
    rt.dataset.r = reading; // shown by CSS (rt::before), as the build writes it
    ruby.append(rt);
    return ruby;
  });
  if (nodes.length === 1) return nodes;
  // Several nodes where there was one text: held in one <span>, so a flex or grid
  // parent still lays them out, and wraps them, as one item (as the build does).
  const span = document.createElement("span");
  span.append(...nodes);
  return [span];
}

// The nodes put in place of a text, with that text: when more readings arrive they are
// put back and read again, so a word read early from a part (流《なが》山) gets its
// whole reading (流山《ながれやま》) once the chunk that has it is in.
const converted = new Set();
const original = new WeakMap();
// The readings files that arrived (or failed), and the search page's config.
const arrived = new Set();
let search = null;

function cardReadings(card) {
  const doc = Number(card.dataset.doc);
  return search && Number.isInteger(doc) ? dataFileUrl(search.data, search.dataGroups, `cards/doc-${Math.floor(doc / search.cardChunk)}.json`) : null;
}

// The page's text nodes with kanji at load, until words.json is in: no other readings touch them first.
let staticTexts = null;

/**
 * Put the shared words' ruby over the page's text: the build left exactly these words bare
 * (each text node read by segmentText with words.json alone gives the build's readings).
 * What stays bare is then read like any other text, as before the shared words.
 * @param {string[]} entries
 */
export function putSharedWords(entries) {
  const words = buildDictionary(entries);
  const texts = staticTexts || [];
  staticTexts = null;
  for (const node of texts) {
    const parent = node.parentElement;
    if (!node.isConnected || !parent || parent.closest(STATIC_SKIP)) continue;
    const segments = segmentText(node.data, words);
    if (segments.some(([, reading]) => reading)) node.replaceWith(rubyNodes(segments)[0]);
  }
}

function loadSharedWords(url) {
  return fetch(url)
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .catch(() => [])
    .then(putSharedWords);
}

function convert(node, dictionary) {
  if (staticTexts && staticTexts.has(node)) return;
  const text = node.data;
  if (!HAS_KANJI.test(text)) return;
  const parent = node.parentElement;
  if (!parent || parent.closest(SKIP)) return;
  // A search card waits for its chunk's readings.
  const card = parent.closest("[data-doc]");
  const path = card && cardReadings(card);
  if (path && !arrived.has(path)) return;
  const segments = segmentText(text, dictionary);
  if (!segments.some(([, reading]) => reading)) return;
  const [replacement] = rubyNodes(segments);
  node.replaceWith(replacement);
  converted.add(replacement);
  original.set(replacement, text);
}

function reconvert() {
  for (const node of converted) {
    converted.delete(node);
    if (node.isConnected) node.replaceWith(original.get(node));
  }
  convertTree(document.body, dictionary);
}

function convertTree(root, dictionary) {
  if (root.nodeType === Node.TEXT_NODE) {
    convert(root, dictionary);
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE || root.closest(SKIP)) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) convert(text, dictionary);
}

const dictionary = { chunks: new Map(), longest: 0, counters: true };
const requested = new Set();
let pending = 0;

function setState() {
  // "ready" once every readings file asked for so far has arrived (or failed).
  document.documentElement.dataset.furiganaLive = pending ? "loading" : "ready";
}

/**
 * Fetch one readings file (a path under furigana/) once, then put ruby over the page's text again.
 * @param {string} path
 * @returns {Promise<void>}
 */
function loadReadings(path) {
  if (requested.has(path)) return Promise.resolve();
  requested.add(path);
  pending += 1;
  setState();
  return fetch(siteUrl(`furigana/${path}`))
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .then((entries) => addChunks(dictionary, entries))
    .catch(() => {
      // No readings for this part; the rest of the page keeps its ruby.
    })
    .finally(() => {
      arrived.add(path);
      reconvert();
      pending -= 1;
      setState();
    });
}

function searchConfig() {
  const block = document.getElementById("search-config");
  try {
    return block ? JSON.parse(block.textContent) : null;
  } catch {
    return null;
  }
}

/** The readings of the doc chunk of every search card in `root` (cards carry data-doc). */
function loadCardReadings(root) {
  if (!search || root.nodeType !== Node.ELEMENT_NODE) return;
  const cards = [...root.querySelectorAll("[data-doc]")];
  if (root.matches("[data-doc]")) cards.push(root);
  for (const card of cards) {
    const path = cardReadings(card);
    if (path) loadReadings(path);
  }
}

const FACILITY_DATA = /\/facility-data\/([0-9]+)\.json$/;

/** The readings of every facility-data chunk the page fetches (compare table, visit planner). */
function watchDataFetches() {
  if (typeof PerformanceObserver === "undefined") return;
  const seen = (entries) => {
    for (const entry of entries) {
      const match = FACILITY_DATA.exec(new URL(entry.name).pathname);
      if (match) loadReadings(`facility-data/${match[1]}.json`);
    }
  };
  seen(performance.getEntriesByType("resource"));
  new PerformanceObserver((list) => seen(list.getEntries())).observe({ type: "resource" });
}

const INTERACTIVE = "a, button, input, select, textarea, [tabindex]";

/**
 * A live region shown on screen (the search's result count, a status line) keeps its words for screen
 * readers, read once as the page wrote them, and is hidden from sight; a copy beside it, hidden from
 * screen readers, shows the same words with their ruby. (Putting ruby into the region itself would
 * change it again, and screen readers would announce it twice.) A region with controls in it, or one
 * already hidden from sight, is left as it is.
 * @param {Element} region
 */
function mirrorLiveRegion(region) {
  if (region.classList.contains("visually-hidden") || region.hasAttribute("data-furigana-spoken") || region.querySelector(INTERACTIVE)) return;
  const mirror = document.createElement(region.tagName);
  mirror.className = region.className;
  mirror.setAttribute("aria-hidden", "true");
  mirror.dataset.furiganaMirror = "";
  region.setAttribute("data-furigana-spoken", "");
  region.classList.add("visually-hidden");
  region.after(mirror);
  const copy = () => {
    mirror.hidden = region.hidden;
    mirror.replaceChildren(...[...region.childNodes].map((node) => node.cloneNode(true)));
    for (const element of mirror.querySelectorAll("[id], [aria-live], [role]")) {
      element.removeAttribute("id");
      element.removeAttribute("aria-live");
      element.removeAttribute("role");
    }
  };
  new MutationObserver(copy).observe(region, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["hidden"] });
  copy();
}

const LIVE_REGIONS = "[aria-live], [role='status'], [role='alert'], [role='log']";

let started = null;

/**
 * Start putting ruby over rendered text: fetch the site's readings once, convert what
 * is there, then every text the scripts add, fetching the readings of each data chunk
 * the page shows. Safe to call more than once.
 * @returns {Promise<void>}
 */
export function startLiveRuby() {
  if (!started) {
    search = searchConfig();
    // A page the build left its shared words to the browser for (base.html): its text nodes now.
    const init = document.querySelector("script[data-furigana-words]");
    const words = init ? init.getAttribute("data-furigana-words") : null;
    if (words) {
      staticTexts = new Set();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) if (HAS_KANJI.test(walker.currentNode.data)) staticTexts.add(walker.currentNode);
    }
    // Every readings file is asked for at once: the site's, and the chunks of what is shown.
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === "characterData") {
          if (staticTexts) staticTexts.delete(change.target); // a script changed it: read it as rendered text
          convert(change.target, dictionary);
        }
        for (const node of change.addedNodes) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            if (node.matches(LIVE_REGIONS)) mirrorLiveRegion(node);
            for (const region of node.querySelectorAll(LIVE_REGIONS)) mirrorLiveRegion(region);
          }
          convertTree(node, dictionary);
          loadCardReadings(node);
        }
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
    for (const region of document.querySelectorAll(LIVE_REGIONS)) mirrorLiveRegion(region);
    loadCardReadings(document.body);
    watchDataFetches();
    // A page kept hidden until its ruby is on (furigana-init.js) is shown now, readings or not.
    started = Promise.all([words ? loadSharedWords(words) : null, loadReadings("readings.json")]).then(() =>
      document.documentElement.removeAttribute("data-furigana-pending"),
    );
  }
  return started;
}
