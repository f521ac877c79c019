/**
 * The /search/ page. The form is a plain GET form that works without this
 * script; with it, results follow every change at once, the state lives in the
 * URL (Back and Forward restore it) and the engine runs in a worker.
 *
 * Test hooks: [data-results] (aria-busy="true" while working, "false" when the
 * shown results are final), cards with [data-facility-id] in display order,
 * [data-result-count].
 */
import { readConfig } from "../config.js";
import { describeState, pageTitle, summaryText } from "./describe.js";
import { mountLayout } from "./layout.js";
import { SearchEngine } from "./engine.js";
import { cardList, countView, el, formatCount } from "./render.js";
import { mountNear, wantsPosition } from "./near.js";
import { LISTS, emptyState, readState, stateToSearch } from "./state.js";
import { ignoredNotice, mountEverydayWords } from "./words.js";

// Cards per batch: few enough that a keystroke's results appear at once.
const PAGE_SIZE = 20;
// A select moved with the arrow keys searches once the keys rest this long (or on Enter or leaving it).
const KEY_SETTLE_MS = 700;
// While typing, the address is brought up to date once the keys have rested this long.
const URL_SETTLE_MS = 400;
const SELECT_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/**
 * The site-wide script (the 比較に追加 toggles and the comparison tray), loaded once the first
 * results are shown: on a phone network its modules would otherwise share the bandwidth with the
 * search's data (issue 17). The search template leaves its <script> tag out (block site_script).
 * A URL built at run time, so a bundler leaves it a separate file.
 */
let siteScript = null;
let siteModules = []; // site.js's static graph (search config siteModules): hinted at once, one wave
function startSiteScript() {
  if (siteScript) return siteScript;
  const root = new URL(`${readConfig().root}/`, document.baseURI).href;
  for (const path of siteModules) {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = root + path;
    document.head.append(link);
  }
  siteScript = import(new URL("../site.js", import.meta.url).href).catch((error) => console.error("site.js:", error));
  return siteScript;
}

/** Whether this page came over HTTP/2 or HTTP/3 (one connection, requests in parallel). */
function multiplexed() {
  const navigation = performance.getEntriesByType("navigation")[0];
  return Boolean(navigation && /^h[23]/.test(navigation.nextHopProtocol || ""));
}

/** One engine on the page, called like the worker. */
function onPage(engine) {
  return {
    call: async (message) => {
      if (message.type === "search") return engine.search(message.state, message.limit, message.position || null);
      if (message.type === "warm") return engine.warm();
      if (message.type === "prefetch") return engine.prefetchCards(message.state);
      return engine.more(message.offset, message.limit);
    },
  };
}

/**
 * Runs the engine. The first searches run on the page, on the data the page
 * head preloads, so no worker script and its imports stand between the page
 * and its first results on a slow network. Once results are shown
 * (handOver), a module worker starts with every file the page engine has
 * loaded, and later searches run there, off the main thread. Without module
 * workers the page engine goes on.
 */
class Backend {
  constructor(engineConfig) {
    this.config = engineConfig;
    this.engine = new SearchEngine(engineConfig);
    this.page = onPage(this.engine);
    this.worker = null;
    this.starting = null;
    this.lastUsed = this.page; // "more" goes where the last search ran
  }

  call(message) {
    const target = message.type === "more" ? this.lastUsed : this.worker || this.page;
    if (message.type === "search") this.lastUsed = target;
    return target.call(message);
  }

  /** Get ready for typing (the shard directory, the facet table), then move to the worker and prime it; once. */
  handOver() {
    if (!this.starting) {
      this.starting = this.engine
        .warm()
        .catch(() => {})
        .then(() => WorkerClient.start({ ...this.config, files: this.engine.loadedFiles() }))
        .then((client) => {
          this.worker = client;
          return client.call({ type: "warm" });
        })
        // Then compile the text search on the index's own words (engine.prime), off the main thread.
        .then(() => this.worker.call({ type: "prime" }))
        .catch(() => {}); // no module workers: the page engine goes on
    }
    return this.starting;
  }
}

/** Talks to the engine in a module worker. */
class WorkerClient {
  static async start(engineConfig) {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    const client = new WorkerClient(worker);
    await client.call({ type: "init", config: engineConfig });
    return client;
  }

  constructor(worker) {
    this.worker = worker;
    this.pending = new Map();
    this.next = 0;
    worker.addEventListener("message", (event) => {
      const { id, result, error } = event.data;
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      if (error) waiting.reject(new Error(error));
      else waiting.resolve(result);
    });
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      for (const waiting of this.pending.values()) waiting.reject(new Error("search worker failed"));
      this.pending.clear();
    });
  }

  call(message) {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }
}

async function mountSearch(form) {
  const site = readConfig();
  const config = JSON.parse(document.getElementById("search-config").textContent);
  siteModules = config.siteModules || [];
  const siteBase = new URL(`${site.root}/`, document.baseURI).href;
  const link = (path) => siteBase + path;
  const engineConfig = {
    dataUrl: link(config.data),
    dataGroups: config.dataGroups,
    prefectures: config.prefectures,
    disabilities: config.disabilities,
    services: config.services,
    options: config.options,
    walkOptions: config.walkOptions,
    cardChunk: config.cardChunk,
    prefStarts: config.prefStarts,
    everydayWords: config.everydayWords,
    // Many small card files cost no extra round trip over a multiplexed connection.
    chunksAtOnce: multiplexed() ? PAGE_SIZE : undefined,
  };
  const vocab = { prefectures: config.prefectures, disabilities: config.disabilities, services: config.services, options: config.options, walkOptions: config.walkOptions };
  const backend = new Backend(engineConfig);
  // Round trips: the search the URL asks for starts fetching its data now, while the rest of the
  // page is mounted; the first run() takes its answer (the same state and limit, no position yet).
  let early = null;
  {
    const first = readState(location.search, vocab).state;
    const limit = restoreView(history.state).limit;
    const result = backend.call({ type: "search", state: first, limit, position: null });
    result.catch(() => {}); // failed() reports it when run() awaits it
    early = { key: `${stateToSearch(first)}|${limit}`, result };
    // A keyword's shard is asked for as soon as the shard directory (preloaded by the head) is
    // read: mounting the form first would hold that request back by the mounting's own work.
    if (first.q.trim()) await Promise.race([backend.engine.directory(), result]).catch(() => {});
  }
  const sortLabel = (value) => form.querySelector(`[data-search-sort] option[value="${value}"]`)?.textContent || "";
  const nodes = {
    text: form.querySelector("[data-search-text]"),
    walk: form.querySelector("[data-search-walk]"),
    sort: form.querySelector("[data-search-sort]"),
    clear: form.querySelector("[data-search-clear]"),
    results: document.querySelector("[data-results]"),
    count: document.querySelector("[data-result-count]"),
    notices: document.querySelector("[data-search-notices]"),
    advice: document.querySelector("[data-search-advice]"),
    moreArea: document.querySelector("[data-search-more-area]"),
    more: document.querySelector("[data-search-more]"),
    heading: document.getElementById("search-results-title"),
    jump: document.querySelector("[data-search-jump]"),
    apply: form.querySelector("[data-search-apply]"),
    status: document.querySelector("[data-search-status]"),
    nojs: document.querySelector("[data-search-nojs]"),
    within: document.querySelector("[data-near-within]"),
  };
  // 「現在地から近い順」: the position is asked for here and kept in memory only (near.js).
  const near = mountNear(document, {
    onPosition: () => run({ announce: near.position() ? "現在地からの距離を反映しました" : "" }),
    otherOrder: () => sortLabel(lastSort),
  });
  let lastSort = "name"; // the order the engine last used
  // Everyday words in the keyword become condition buttons (words.js).
  const everyday = mountEverydayWords(document.querySelector("[data-search-words]"), config, ({ kind, slug, q }) => {
    const next = { ...state, q, pref: [...state.pref], dis: [...state.dis], svc: [...state.svc] };
    next[kind] = [...next[kind], slug];
    change(readState(stateToSearch(next), vocab).state, { push: true, focus: nodes.text });
  });
  const showCounts = countView(form, config);
  const resultCards = cardList(nodes.results, config, link);
  const layout = mountLayout(form, config);
  const baseTitle = document.title;
  let state = emptyState();
  let ignored = [];
  let sequence = 0;
  let shown = 0;
  let total = 0;
  let lastWords = []; // the query words of the shown results, for "remove this word"

  function fillForm() {
    if (nodes.text.value !== state.q) nodes.text.value = state.q;
    for (const box of form.querySelectorAll('input[type="checkbox"]')) box.checked = state[box.name].includes(box.value);
    nodes.walk.value = state.walk === null ? "" : String(state.walk);
    if (nodes.within) nodes.within.value = state.within == null ? "" : String(state.within);
    layout.showChosen();
  }

  /** The state the form shows; `sortChosen` when the sort select itself changed. */
  function readForm(sortChosen = false) {
    const data = new FormData(form);
    const next = emptyState();
    next.q = String(data.get("q") || "");
    for (const name of LISTS) next[name] = data.getAll(name).map(String);
    const walk = String(data.get("walk") || "");
    next.walk = walk ? Number(walk) : null;
    const within = String(data.get("within") || "");
    next.within = within ? Number(within) : null;
    // The select always shows the order in use; a chosen order goes into the URL unless it is the default.
    const sort = String(data.get("sort") || "");
    next.sort = sortChosen ? (sort && sort !== defaultSort(next) ? sort : null) : state.sort;
    return readState(stateToSearch(next), vocab).state;
  }

  function defaultSort(s) {
    return s.q.trim() ? "relevance" : "name";
  }

  function url() {
    return `${location.pathname}${stateToSearch(state)}${location.hash}`;
  }

  /** Write a text only when it changed: an unchanged keystroke result costs no new layout. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function notice(text) {
    return el("p", { class: "search-notice" }, text);
  }

  function renderNotices(result) {
    const items = [];
    if (ignored.length) items.push(notice(`アドレスの条件のうち、使えないものを無視しました：${ignored.join("、")}`));
    if (result && result.truncated) items.push(notice("キーワードが長いため、はじめの64文字で探しています。"));
    const ignoredText = result && ignoredNotice(result, state.q);
    if (ignoredText) items.push(ignoredText);
    if (result && result.noLocation) {
      items.push(notice(`位置情報が登録されていない事業所${formatCount(result.noLocation)}件は、距離がわからないため最後に並べています。`));
    }
    if (result && result.excludedNoLocation) {
      items.push(notice(`位置情報が登録されていない事業所${formatCount(result.excludedNoLocation)}件は、距離でしぼりこんでいるため含まれていません。`));
    }
    if (result && result.excludedUnchecked) {
      items.push(notice(`対象障害が未確認の事業所${formatCount(result.excludedUnchecked)}件は、障害の種類でしぼりこんでいるため含まれていません。`));
    }
    // Nothing to say, and nothing said: the common keystroke leaves the node alone.
    if (items.length || nodes.notices.firstChild) nodes.notices.replaceChildren(...items);
  }

  function relaxLabel(item) {
    const n = `${formatCount(item.count)}件`;
    switch (item.kind) {
      case "word":
        return `キーワード「${item.value}」を外す（${n}）`;
      case "pref":
        return `都道府県の指定を外す（${n}）`;
      case "dis":
        return `障害の種類「${config.disabilityLabels[config.disabilities.indexOf(item.value)]}」を外す（${n}）`;
      case "svc":
        return `サービス「${config.serviceLabels[config.services.indexOf(item.value)]}」を外す（${n}）`;
      case "opt":
        return `条件「${config.optionLabels[config.options.indexOf(item.value)]}」を外す（${n}）`;
      case "vacancy":
        return `「空きあり」を外す（${n}）`;
      case "within":
        return `現在地からの距離の指定を外す（${n}）`;
      default:
        return `徒歩の指定を外す（${n}）`;
    }
  }

  function relaxed(item) {
    const next = { ...state, pref: [...state.pref], dis: [...state.dis], svc: [...state.svc], opt: [...state.opt], vacancy: [...state.vacancy] };
    if (item.kind === "word") {
      next.q = lastWords.filter((word) => word !== item.value).join(" ");
    } else if (item.kind === "pref") next.pref = [];
    else if (item.kind === "dis") next.dis = next.dis.filter((slug) => slug !== item.value);
    else if (item.kind === "svc") next.svc = next.svc.filter((slug) => slug !== item.value);
    else if (item.kind === "opt") next.opt = next.opt.filter((slug) => slug !== item.value);
    else if (item.kind === "vacancy") next.vacancy = [];
    else if (item.kind === "within") next.within = null;
    else next.walk = null;
    return next;
  }

  function renderAdvice(result) {
    if (result.total > 0) {
      if (!nodes.advice.hidden) nodes.advice.hidden = true;
      if (nodes.advice.firstChild) nodes.advice.replaceChildren();
      return;
    }
    const helpful = result.relax.filter((item) => item.count > 0);
    const children = [];
    if (helpful.length) {
      children.push(el("p", {}, "次の条件を外すと見つかります。"));
      const list = el("ul", { class: "search-advice__list" });
      for (const item of helpful) {
        const button = el("button", { type: "button", class: "secondary" }, relaxLabel(item));
        button.addEventListener("click", () => change(relaxed(item), { push: true, focus: nodes.heading }));
        list.append(el("li", {}, button));
      }
      children.push(list);
    } else {
      children.push(el("p", {}, "条件を減らすか、キーワードを変えてみてください。「条件をすべてクリア」で最初から探せます。"));
    }
    nodes.advice.replaceChildren(...children);
    nodes.advice.hidden = false;
  }

  function renderMore() {
    const rest = total - shown;
    if (nodes.moreArea.hidden !== rest <= 0) nodes.moreArea.hidden = rest <= 0;
    setText(nodes.more, `もっと見る（残り${formatCount(rest)}件）`);
  }

  /** The engine's answer for the current state: the early search's when it asked for the same. */
  function search(limit) {
    const pending = early;
    early = null;
    if (pending && !near.position() && pending.key === `${stateToSearch(state)}|${limit}`) return pending.result;
    return backend.call({ type: "search", state, limit, position: near.position() });
  }

  /**
   * Search and show the results.
   * @param {{focus?: HTMLElement|null, limit?: number, announce?: string, restore?: {scroll?: number}|null}} [options]
   *   limit: cards to show at once (Back after もっと見る); announce: say this with the new count;
   *   restore: scroll back there once shown
   */
  async function run({ focus, limit = PAGE_SIZE, announce = "", restore = null } = {}) {
    const mine = ++sequence;
    nodes.results.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await search(limit);
    } catch (error) {
      if (mine !== sequence) return;
      failed(error);
      return;
    }
    if (mine !== sequence) return; // a newer search is on its way
    total = result.total;
    shown = result.cards.length;
    lastWords = result.words;
    showCounts(result.counts);
    nodes.sort.querySelector('option[value="relevance"]').disabled = result.words.length === 0;
    lastSort = result.sort;
    // While the position is asked for (or was refused) the select keeps 「現在地から近い順」; the panel says what is shown.
    nodes.sort.value = state.sort === "near" ? "near" : result.sort;
    near.show(state);
    renderNotices(result);
    renderAdvice(result);
    everyday.update(result, state);
    resultCards.show(result.cards);
    setText(
      nodes.count,
      total
        ? `${formatCount(total)}件の事業所が見つかりました`
        : result.onlySymbols
          ? "キーワードに探せる文字がないため、検索していません"
          : "条件に合う事業所は見つかりませんでした",
    );
    setText(nodes.jump, `検索結果へ移動（${formatCount(total)}件）`);
    setText(nodes.apply, `${formatCount(total)}件を表示`);
    const parts = describeState(state, config);
    layout.showSummary(summaryText(parts));
    const title = pageTitle(parts, total, baseTitle);
    if (document.title !== title) document.title = title;
    // The count's live region says nothing when its text stays the same (a new order, same count).
    if (announce) nodes.status.textContent = `${announce}（${formatCount(total)}件）`;
    renderMore();
    if (shown >= total && shown > PAGE_SIZE) nodes.count.textContent = `${formatCount(total)}件すべてを表示しています`;
    nodes.results.setAttribute("aria-busy", "false");
    updateUrlLater();
    if (restore) scrollBack(restore);
    if (focus) focus.focus({ preventScroll: Boolean(restore) });
    // Once these results are painted: the comparison toggles, then get ready for typing and move the engine to the worker.
    requestAnimationFrame(() =>
      setTimeout(() => {
        startSiteScript();
        backend.handOver();
      }, 0),
    );
  }

  function failed(error) {
    console.error("search:", error);
    nodes.count.textContent = "検索データを読み込めませんでした。時間をおいて再読み込みするか、下の一覧から探してください。";
    nodes.nojs.hidden = false;
    nodes.results.setAttribute("aria-busy", "false");
    updateUrlLater();
    startSiteScript();
  }

  async function showMore() {
    const mine = sequence;
    nodes.results.setAttribute("aria-busy", "true");
    try {
      const cards = await backend.call({ type: "more", offset: shown, limit: PAGE_SIZE });
      if (mine !== sequence) return;
      const added = resultCards.append(cards);
      shown += cards.length;
      renderMore();
      rememberView();
      nodes.results.setAttribute("aria-busy", "false");
      // Keyboard and screen-reader users continue with the first new card.
      added[0]?.querySelector("a")?.focus();
      if (nodes.moreArea.hidden) nodes.count.textContent = `${formatCount(total)}件すべてを表示しています`;
    } catch (error) {
      if (mine === sequence) failed(error);
    }
  }

  /** Apply a new state: URL (push a history entry, or replace while typing), form, results. */
  function change(next, { push = false, focus = null } = {}) {
    flushUrl();
    ignored = [];
    state = next;
    if (push) history.pushState(null, "", url());
    else history.replaceState(null, "", url());
    fillForm();
    near.show(state, wantsPosition(state));
    run({ focus });
  }

  /**
   * What Back should bring back to this history entry: how many cards were
   * shown and where the page was scrolled (history.state; the URL holds the search).
   */
  function rememberView() {
    urlPending = false; // written here
    clearTimeout(urlTimer);
    const view = { shown, scroll: Math.round(window.scrollY), anchor: null, offset: 0, focused: null };
    // The card whose link has the focus (the one followed, on leaving): Back puts the focus there again,
    // so a keyboard user goes on from it instead of from the top of the page.
    const focusedCard = document.activeElement?.closest?.("[data-facility-id]");
    if (focusedCard && nodes.results.contains(focusedCard)) view.focused = focusedCard.dataset.facilityId;
    // The topmost card in sight and where it sits: cards not yet laid out have a guessed
    // height (content-visibility), so a card, not a pixel offset, says where the reader was.
    for (const card of nodes.results.querySelectorAll("[data-facility-id]")) {
      const top = card.getBoundingClientRect();
      if (top.bottom > 0) {
        view.anchor = card.dataset.facilityId;
        view.offset = Math.round(top.top);
        break;
      }
    }
    history.replaceState(view, "", url());
  }

  /** Scroll back to where a history entry was read (after its cards are shown). */
  function scrollBack(view) {
    const card = view.anchor && nodes.results.querySelector(`[data-facility-id="${CSS.escape(view.anchor)}"]`);
    if (card) window.scrollBy(0, card.getBoundingClientRect().top - view.offset);
    else window.scrollTo(0, view.scroll || 0);
    const focused = view.focused && nodes.results.querySelector(`[data-facility-id="${CSS.escape(view.focused)}"]`);
    focused?.querySelector("a")?.focus({ preventScroll: true });
  }

  function restoreView(saved) {
    const limit = saved && saved.shown > PAGE_SIZE ? saved.shown : PAGE_SIZE;
    return { limit, restore: saved && (saved.scroll || saved.shown > PAGE_SIZE || saved.focused) ? saved : null };
  }

  let urlPending = false;
  let urlTimer = 0;
  /**
   * While typing, the address follows once the keys rest (URL_SETTLE_MS after the last results), so
   * it never delays a keystroke: each history.replaceState is a same-document navigation that costs
   * the page about 2 ms and makes Chromium fetch and decode the favicon again, in the middle of the
   * next keystroke (issue 17). Another choice, leaving the page and scrolling write it at once.
   */
  function replaceUrlSoon() {
    urlPending = true;
  }

  function updateUrlLater() {
    if (!urlPending) return;
    clearTimeout(urlTimer);
    urlTimer = setTimeout(flushUrl, URL_SETTLE_MS);
  }

  /** A pending address goes into the current history entry now (before another entry is pushed). */
  function flushUrl() {
    if (!urlPending) return;
    clearTimeout(urlTimer);
    urlPending = false;
    history.replaceState(history.state, "", url());
  }

  /** A new choice in the form: the sort replaces the history entry, other choices add one. */
  function chosen(target, { keysRested = false } = {}) {
    flushUrl();
    const sorting = target === nodes.sort;
    const before = state.sort;
    ignored = [];
    state = readForm(sorting);
    if (sorting) history.replaceState(null, "", url());
    else history.pushState(null, "", url());
    const announce = sorting && before !== state.sort ? `並び順を「${nodes.sort.selectedOptions[0].textContent}」にしました` : "";
    // Choosing 「現在地から近い順」 or a distance is what asks for the position (after arrow keys, a button does).
    near.show(state, wantsPosition(state), keysRested);
    run({ announce });
  }

  // Arrow keys on a closed select pick each option they pass; search once they rest.
  const keyed = new Map(); // select -> timer
  function settleSelect(select, { keysRested = false } = {}) {
    if (!keyed.has(select)) return;
    clearTimeout(keyed.get(select));
    keyed.delete(select);
    chosen(select, { keysRested });
  }
  for (const select of [nodes.walk, nodes.sort, nodes.within].filter(Boolean)) {
    select.addEventListener("keydown", (event) => {
      if (SELECT_KEYS.has(event.key) && !event.altKey) select.dataset.keyed = "";
      else if (event.key === "Enter") settleSelect(select);
    });
    select.addEventListener("blur", () => settleSelect(select));
    select.addEventListener("pointerdown", () => delete select.dataset.keyed);
  }

  form.addEventListener("input", (event) => {
    const target = event.target;
    if (target === nodes.text) {
      ignored = [];
      state = readForm();
      replaceUrlSoon();
      run();
      return;
    }
    if (target instanceof HTMLSelectElement && "keyed" in target.dataset) {
      delete target.dataset.keyed;
      clearTimeout(keyed.get(target));
      keyed.set(target, setTimeout(() => settleSelect(target, { keysRested: true }), KEY_SETTLE_MS));
      return;
    }
    chosen(target);
    if (target.name === "pref") layout.showChosen();
  });
  // The distance select sits above the results but belongs to the form (form="search-form").
  nodes.within?.addEventListener("input", () => {
    if ("keyed" in nodes.within.dataset) {
      delete nodes.within.dataset.keyed;
      clearTimeout(keyed.get(nodes.within));
      keyed.set(nodes.within, setTimeout(() => settleSelect(nodes.within), KEY_SETTLE_MS));
      return;
    }
    chosen(nodes.within);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const select of keyed.keys()) settleSelect(select);
    flushUrl();
    const next = readForm();
    if (stateToSearch(next) !== stateToSearch(state)) {
      state = next;
      history.pushState(null, "", url());
    }
    // On a phone the form folds away again and the results come into view.
    if (layout.isPhone()) layout.close();
    run({ focus: nodes.heading });
  });
  nodes.clear.addEventListener("click", (event) => {
    event.preventDefault();
    change(emptyState(), { push: true, focus: nodes.text });
  });
  nodes.more.addEventListener("click", showMore);
  // Like mkdocs-material: the text index starts loading when the keyword box is first used.
  nodes.text.addEventListener(
    "focus",
    () => backend.call({ type: "warm" }).catch(() => {}),
    { once: true },
  );
  // With prefectures chosen, the keyword box's focus also fetches their card files when they are
  // few enough (engine.prefetchCards): a new word's first key then waits for its shard only, one
  // round trip instead of two (issue 17). Only visitors about to type pay their bytes. In the worker,
  // once it has the page engine's files: a file still on its way at the hand-over would be fetched again.
  nodes.text.addEventListener("focus", () => {
    if (!state.pref.length || !backend.starting) return;
    const chosen = state;
    backend.starting.then(() => backend.call({ type: "prefetch", state: chosen })).catch(() => {});
  });
  window.addEventListener("popstate", (event) => {
    urlPending = false; // the entry left keeps the address it had (Back within URL_SETTLE_MS of a key)
    clearTimeout(urlTimer);
    ({ state, ignored } = readState(location.search, vocab));
    fillForm();
    near.show(state, wantsPosition(state) && !near.failed());
    run(restoreView(event.state));
  });
  // Where the page is scrolled goes into the history entry, for Back from a facility page.
  let scrollTimer = 0;
  window.addEventListener("scroll", () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(rememberView, 200);
  }, { passive: true });
  window.addEventListener("pagehide", rememberView);

  // The browser would scroll before the cards are back; the page does it once they are.
  history.scrollRestoration = "manual";
  const saved = history.state;
  ({ state, ignored } = readState(location.search, vocab));
  fillForm();
  history.replaceState(saved, "", url());
  // A URL with sort=near (or within) asks for the position again: it was never in the URL.
  near.show(state, wantsPosition(state));
  nodes.nojs.hidden = true;
  nodes.results.hidden = false;
  run(restoreView(saved));
}

const form = document.querySelector("[data-search-form]");
if (form) mountSearch(form);
else startSiteScript();
