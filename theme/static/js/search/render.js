/**
 * DOM for the search page: result cards that mirror the facility_card macro
 * of theme/templates/_macros.html (same elements and classes), and the counts
 * next to each choice. Text goes in through text nodes only.
 */
import { distanceLabel } from "./geo.js";

/** 12345 -> "12,345" (Intl formatting is slow when done sixty times a keystroke). */
export function formatCount(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {...(Node|string|null)} children
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * One result card, as facility_card renders it.
 * @param {{doc: number, pref: number, dis: number, svc: number, row: Array}} card engine output (data-doc: furigana/live.js)
 * @param {object} config the page's search config
 * @param {(path: string) => string} link site URL of a path
 */
export function renderCard(card, config, link) {
  const [id, name, city, access, retention, hires, capacity, stay] = card.row;
  const offers = (slug) => (card.svc & (1 << config.services.indexOf(slug))) !== 0;
  // 定着支援あり／なし only for offices of 就労移行支援 or 就労定着支援 (Facility.retention_badge).
  const badge = offers("retention") ? true : offers("transition") ? false : null;
  const tags = config.serviceTags.filter((_, i) => card.svc & (1 << i));
  const disabilities = config.disabilityLabels.filter((_, i) => card.dis & (1 << i));
  // A metric's definition (2024年度・就職6ヶ月後・事業所発表) when the record gives one: row[8].
  const notes = card.row[8] && typeof card.row[8] === "object" ? card.row[8] : {};
  const metric = (label, value, field) =>
    el(
      "div",
      {},
      el("dt", {}, label),
      el("dd", {}, value, notes[field] ? el("span", { class: "metric-note", "data-metric-note": field }, String(notes[field])) : null),
    );
  const headingId = `card-${id}`;
  return el(
    "li",
    {},
    el(
      "article",
      { class: "card", "data-facility-id": id, "data-doc": String(card.doc), "aria-labelledby": headingId },
      el("h3", { class: "card__name", id: headingId }, el("a", { href: link(`facilities/${id}/`) }, name)),
      el("p", { class: "card__place" }, `${config.prefectureNames[card.pref]}${city}`),
      // 「現在地から近い順」: the straight-line distance, or that the office has no location.
      card.distance === undefined
        ? null
        : el(
            "p",
            { class: "card__distance", "data-distance": card.distance === null ? "" : String(Math.round(card.distance)) },
            card.distance === null ? "現在地からの距離：不明（位置情報なし）" : `現在地から${distanceLabel(card.distance)}`,
          ),
      access ? el("p", { class: "card__access" }, `${access[0] ? `${access[0]} ` : ""}${access[1]}駅 `, el("span", { class: "walk" }, access[2])) : null,
      el(
        "div",
        { class: "card__services" },
        el("span", { class: "card__label" }, "サービス："),
        el("ul", { class: "service-tags" }, ...tags.map((tag) => el("li", {}, tag))),
      ),
      badge === null
        ? null
        : el(
            "p",
            { class: "card__retention" },
            el("span", { class: badge ? "badge badge--yes" : "badge badge--no" }, badge ? "定着支援あり" : "定着支援なし"),
          ),
      el(
        "dl",
        { class: "metrics" },
        retention === null ? null : metric("就職定着率", retention, "retention_rate"),
        metric("昨年の就職人数", hires, "hires_last_year"),
        metric("定員", capacity, null),
        metric("平均利用期間", stay, "average_stay"),
      ),
      el(
        "p",
        { class: "card__disabilities" },
        el("span", { class: "card__label" }, "対象障害："),
        disabilities.length ? disabilities.join("・") : "未確認",
      ),
      // The compare helper's toggle (theme/js/compare/toggle.js) fills this slot.
      el("div", { class: "compare-slot", "data-compare-toggle": id, "data-compare-name": name }),
    ),
  );
}

/**
 * The result list, keyed by facility (issue 17): a card shown by the last search is
 * kept, not rebuilt, when the next keystroke shows it again, and the list is not
 * touched at all when the same cards come back in the same order (no new layout).
 * A card is the same when its facility and its distance (「現在地から近い順」) are.
 * @param {HTMLElement} list the results list
 * @param {object} config the page's search config
 * @param {(path: string) => string} link site URL of a path
 * @returns {{show: (cards: object[]) => void, append: (cards: object[]) => HTMLElement[]}}
 */
export function cardList(list, config, link) {
  let shown = new Map(); // key -> <li> of the cards in the list
  const keyOf = (card) => `${card.row[0]}\u0000${card.distance === undefined ? "" : String(card.distance)}`;
  const nodeFor = (card, from, into) => {
    const key = keyOf(card);
    const node = from.get(key) || renderCard(card, config, link);
    into.set(key, node);
    return node;
  };
  return {
    /** Show these cards instead of the list's. */
    show(cards) {
      const next = new Map();
      const nodes = cards.map((card) => nodeFor(card, shown, next));
      const before = shown;
      shown = next;
      const current = list.children;
      if (current.length === nodes.length && nodes.every((node, i) => current[i] === node)) return;
      // Only what changed moves: cards no longer shown go, the others stay where they are (a card
      // taken out and put back is styled and laid out again, and the compare toggles look at it
      // again), and each new or reordered card goes in before the first one out of place.
      for (const [key, node] of before) if (!next.has(key)) node.remove();
      let at = list.firstChild;
      for (const node of nodes) {
        if (at === node) at = at.nextSibling;
        else list.insertBefore(node, at);
      }
      while (at) {
        const after = at.nextSibling;
        at.remove();
        at = after;
      }
    },
    /** Add these cards after the list's (もっと見る); returns their nodes. */
    append(cards) {
      const nodes = cards.map((card) => nodeFor(card, shown, shown));
      list.append(...nodes);
      return nodes;
    },
  };
}

/**
 * The counts next to every choice: "（12件）", and choices that would give
 * nothing marked (still usable). Finds its nodes once; writes only what changed.
 * @param {HTMLFormElement} form
 * @param {object} config the page's search config
 * @returns {(counts: {pref: number[], dis: number[], svc: number[], opt: number[], walk: number[], anyWalk: number}) => void}
 */
export function countView(form, config) {
  const slots = [];
  for (const [group, slugs] of Object.entries({ pref: config.prefectures, dis: config.disabilities, services: config.services, opt: config.options, vacancy: ["yes"] })) {
    const key = group === "services" ? "svc" : group;
    slugs.forEach((slug, i) => {
      const target = form.querySelector(`[data-count="${key}:${slug}"]`);
      if (target) slots.push({ target, choice: target.closest(".choice"), read: (counts) => counts[key][i], shown: null });
    });
  }
  // Each region's summary: the sum of its prefectures' counts.
  const prefIndex = (box) => config.prefectures.indexOf(box.value);
  for (const details of form.querySelectorAll("[data-region]")) {
    const target = details.querySelector("[data-count-region]");
    const indices = [...details.querySelectorAll('input[name="pref"]')].map(prefIndex);
    if (target) slots.push({ target, choice: null, read: (counts) => indices.reduce((sum, i) => sum + counts.pref[i], 0), shown: null });
  }
  const walkOptions = [...form.querySelector("[data-search-walk]").options].map((option) => ({
    option,
    label: option.dataset.label,
    index: config.walkOptions.indexOf(Number(option.value)),
    shown: null,
  }));
  return (counts) => {
    for (const slot of slots) {
      const n = slot.read(counts);
      if (n === slot.shown) continue;
      slot.shown = n;
      slot.target.textContent = `（${formatCount(n)}件）`;
      slot.choice?.classList.toggle("choice--empty", n === 0);
    }
    for (const walk of walkOptions) {
      const n = walk.option.value === "" ? counts.anyWalk : counts.walk[walk.index];
      if (n === walk.shown) continue;
      walk.shown = n;
      walk.option.textContent = `${walk.label}（${formatCount(n)}件）`;
    }
  };
}
