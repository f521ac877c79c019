/**
 * What the keyword's words mean, said on the /search/ page:
 *
 * - Everyday words (発達障害, ADHD, うつ, A型 …; plugins/facility_site/search/everyday_words.yaml)
 *   stand for a condition. Under the keyword box the page offers each as a real
 *   button, 「発達障害で絞り込む」: choosing it ticks the condition and takes the
 *   word(s) out of the keyword, then returns the focus to the keyword box and
 *   says what it did. The word keeps matching as text until then.
 * - Symbols and emoji the keyword ignored are named in a notice; a keyword with
 *   nothing searchable searched nothing, and the notice says so.
 *
 * Hooks: [data-search-words] (the slot under the keyword box),
 * [data-search-word-offer] (each button, with the condition as "kind:slug"),
 * [data-search-words-status] (what the last choice did), [data-search-ignored] (the notice).
 */
import { el } from "./render.js";
import { parseQuery, splitWords } from "./tokenizer.js";

/**
 * How the visitor typed a query word (ADHD for adhd, ｼﾞﾍｲｼｮｳ for じへいしょう): the
 * first run of word characters in `q` that folds into it; the word itself if none does.
 * @param {string} q
 * @param {string} word normalized query word
 */
export function typedForm(q, word) {
  for (const [, run] of splitWords(q)) {
    const words = parseQuery(run).words;
    if (words.length === 1 && words[0] === word) return run;
  }
  return word;
}

/**
 * The keyword without the given words: whole space-separated pieces of what the
 * visitor typed are dropped when every word in them is one of `words`, so the
 * rest stays as typed (ｶﾚﾝﾄ stays ｶﾚﾝﾄ).
 * @param {string} q
 * @param {string[]} words normalized query words
 */
export function withoutWords(q, words) {
  const drop = new Set(words);
  return q
    .split(/\s+/u)
    .filter((piece) => {
      const found = parseQuery(piece).words;
      return found.length === 0 || !found.every((word) => drop.has(word));
    })
    .join(" ")
    .trim();
}

/**
 * @param {HTMLElement} slot [data-search-words]
 * @param {object} config the page's search config
 * @param {(change: {kind: string, slug: string, q: string}) => void} choose applies a chosen condition
 */
export function mountEverydayWords(slot, config, choose) {
  if (!slot) return { update() {} }; // a theme without the slot: no offers, the words still match as text
  const offers = el("div", { class: "search-words__offers" });
  offers.hidden = true;
  const status = el("p", { class: "visually-hidden", role: "status", "data-search-words-status": "" });
  slot.replaceChildren(offers, status);

  const conditionName = (kind, slug) =>
    kind === "dis" ? config.disabilityShort[config.disabilities.indexOf(slug)] : config.serviceLabels[config.services.indexOf(slug)];
  const groupName = (kind) => (kind === "dis" ? "障害の種類" : "サービス");
  const quoted = (words, q) => words.map((word) => `「${typedForm(q, word)}」`).join("");

  /**
   * Offer a button for each condition the keyword's everyday words stand for and that is not chosen yet.
   * @param {{everyday: Array<{word: string, kind: string, slug: string}>}} result engine result
   * @param {{q: string, dis: string[], svc: string[]}} state the state searched
   */
  function update(result, state) {
    const byCondition = new Map();
    for (const { word, kind, slug } of result.everyday || []) {
      if (state[kind].includes(slug)) continue; // already a condition
      const key = `${kind}:${slug}`;
      if (!byCondition.has(key)) byCondition.set(key, { kind, slug, words: [] });
      byCondition.get(key).words.push(word);
    }
    if (byCondition.size === 0) {
      offers.hidden = true;
      offers.replaceChildren();
      return;
    }
    const all = [...byCondition.values()].flatMap((offer) => offer.words);
    const list = el("ul", { class: "search-words__list" });
    for (const [key, offer] of byCondition) {
      const name = conditionName(offer.kind, offer.slug);
      const button = el("button", { type: "button", class: "secondary", "data-search-word-offer": key }, `${name}で絞り込む`);
      button.addEventListener("click", () => {
        const q = withoutWords(state.q, offer.words);
        status.textContent = `${groupName(offer.kind)}「${name}」を条件にして、キーワードから${quoted(offer.words, state.q)}を外しました。`;
        choose({ kind: offer.kind, slug: offer.slug, q });
      });
      list.append(el("li", {}, button));
    }
    offers.replaceChildren(el("p", { class: "search-words__intro" }, `キーワードの${quoted(all, state.q)}は、条件として選べます。`), list);
    offers.hidden = false;
  }

  return { update };
}

/**
 * The notice for what the keyword ignored, or null.
 * @param {{ignored: string[], onlySymbols: boolean}} result engine result
 * @param {string} q the keyword as typed
 */
export function ignoredNotice(result, q) {
  const shown = (result.ignored || []).map((piece) => `「${piece}」`).join("");
  if (result.onlySymbols) {
    const what = shown || `「${q.trim()}」`;
    return el(
      "p",
      { class: "search-notice", "data-search-ignored": "all" },
      `キーワード${what}には、探せる文字（文字や数字）がありません。記号や絵文字では探せないため、検索していません。`,
    );
  }
  if (!shown) return null;
  return el("p", { class: "search-notice", "data-search-ignored": "some" }, `キーワードのうち${shown}は記号や絵文字のため、使わずに探しました。`);
}
