/**
 * The browser twin of plugins/facility_site/tokenizer.py: the same
 * normalization and the same words, so a typed query meets the index the
 * build wrote. tests/test_tokenizer_parity.py runs both over one corpus and
 * requires identical output; change the two together.
 *
 * An ES module without DOM access: the page, the search worker and Node load it.
 */

const WORD_CHAR = /[\p{L}\p{Nd}\p{Nl}\p{No}\p{Mn}\p{Mc}]/u;
// Not reported as ignored: spaces, punctuation, control characters (tokenizer.py rule 6).
const SILENT = /[\p{Z}\p{P}\p{Cc}]/u;
const INVISIBLE = /\p{Cf}/u;
const KATAKANA_FIRST = 0x30a1; // ァ
const KATAKANA_LAST = 0x30f6; // ヶ
const KATAKANA_ITERATION = [0x30fd, 0x30fe]; // ヽ ヾ
const KANA_OFFSET = 0x60;
const SMALL_KANA_FOLD = { "ゖ": "け", "ゕ": "か" }; // ヶ ヵ after katakana → hiragana

/** A query is cut to this many word characters; the page says so. */
export const MAX_QUERY_CHARS = 64;

function isVariationSelector(code) {
  return (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xe0100 && code <= 0xe01ef);
}

/**
 * NFKC, lower case, no variation selectors, katakana as hiragana.
 * @param {string} text
 * @returns {string}
 */
export function normalize(text) {
  const folded = text.normalize("NFKC").toLowerCase();
  let out = "";
  for (const ch of folded) {
    const code = ch.codePointAt(0);
    if (isVariationSelector(code)) continue;
    let char = ch;
    if ((code >= KATAKANA_FIRST && code <= KATAKANA_LAST) || KATAKANA_ITERATION.includes(code)) {
      char = String.fromCodePoint(code - KANA_OFFSET);
    }
    out += SMALL_KANA_FOLD[char] ?? char;
  }
  return out;
}

/** @param {string} char one code point */
export function isWordChar(char) {
  return WORD_CHAR.test(char);
}

/**
 * Runs of word characters with their offsets (counted in code points, as Python does).
 * @param {string} normalized
 * @returns {Array<[number, string]>}
 */
export function splitWords(normalized) {
  const words = [];
  let current = [];
  let start = -1;
  let offset = 0;
  for (const char of normalized) {
    if (isWordChar(char)) {
      if (start < 0) start = offset;
      current.push(char);
    } else if (start >= 0) {
      words.push([start, current.join("")]);
      current = [];
      start = -1;
    }
    offset += 1;
  }
  if (start >= 0) words.push([start, current.join("")]);
  return words;
}

/**
 * Runs of symbols and emoji that separate words in a query, unique, in typed order.
 * @param {string} normalized
 * @returns {string[]}
 */
export function ignoredPieces(normalized) {
  const pieces = [];
  let run = [];
  const close = () => {
    const piece = run.join("");
    if (run.some((char) => !INVISIBLE.test(char)) && !pieces.includes(piece)) pieces.push(piece);
    run = [];
  };
  for (const char of normalized) {
    if (isWordChar(char) || SILENT.test(char)) {
      if (run.length) close();
    } else {
      run.push(char);
    }
  }
  if (run.length) close();
  return pieces;
}

/**
 * The words of a query (normalized, unique, in typed order), each to be found
 * as one unbroken piece of one field; `truncated` when the text was too long;
 * `ignored`: the symbols and emoji that were not searched.
 * @param {string} text
 * @returns {{words: string[], truncated: boolean, ignored: string[]}}
 */
export function parseQuery(text) {
  const words = [];
  let budget = MAX_QUERY_CHARS;
  let truncated = false;
  const normalized = normalize(text);
  for (const [, found] of splitWords(normalized)) {
    let word = found;
    if (words.includes(word)) continue; // a repeated word changes nothing and costs nothing
    if (budget <= 0) {
      truncated = true;
      break;
    }
    const chars = Array.from(word);
    if (chars.length > budget) {
      word = chars.slice(0, budget).join("");
      truncated = true;
    }
    budget -= Math.min(chars.length, budget);
    if (!words.includes(word)) words.push(word);
  }
  return { words, truncated, ignored: ignoredPieces(normalized) };
}
