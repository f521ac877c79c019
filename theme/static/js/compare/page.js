/**
 * The comparison page, /compare/?ids=a,b,c. The address is the state: the
 * table shows exactly the ids in it, and removing a facility rewrites it
 * (and takes the facility out of the visitor's saved list too).
 *
 * Only the data chunks holding the chosen facilities (facility-data/<k>.json,
 * shared with the visit planner) are fetched; the national search index is
 * never loaded here.
 */
import { readConfig, siteUrl } from "../config.js";
import { announce } from "./announce.js";
import { el } from "./dom.js";
import { chunkFetcher, fetchChosen, parseIds } from "./ids.js";
import { comparePath, getSelection, visitPath } from "./selection.js";
import { renderBasisNotes, renderCompareTable } from "./table.js";

const LIST_SHOWN = 10; // long lists of bad ids are cut in the notice

function listText(ids) {
  const shown = ids.slice(0, LIST_SHOWN).join("、");
  return ids.length > LIST_SHOWN ? `${shown} ほか${ids.length - LIST_SHOWN}件` : shown;
}

function readRows() {
  const block = document.getElementById("compare-rows");
  try {
    return JSON.parse(block.textContent);
  } catch {
    return [];
  }
}

function setAddress(ids) {
  const url = new URL(window.location.href);
  url.search = `?ids=${ids.join(",")}`;
  window.history.replaceState(null, "", url.href);
  updateVisitLink(ids);
}

/** The 見学・問い合わせの準備 link under the table carries the ids shown. */
function updateVisitLink(ids) {
  const link = document.querySelector("[data-compare-visit-link]");
  if (!link) return;
  link.setAttribute("href", siteUrl(visitPath(ids)));
  link.closest("[data-compare-visit]").hidden = ids.length === 0;
}

/** "2026年11月28日": the date a sheet is printed, in the visitor's own calendar day. */
export function printedDate(date = new Date()) {
  return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日`;
}

/**
 * The printed comparison's footer: the page address (so a printed sheet leads
 * back to the same table) and the date printed. Shown only in print; filled
 * again just before printing, since the address changes when a facility is removed.
 */
function printInfo() {
  const address = el("span", { "data-print-address": "" });
  const date = el("span", { "data-print-date": "" });
  const fill = () => {
    address.textContent = window.location.href;
    date.textContent = printedDate();
  };
  fill();
  window.addEventListener("beforeprint", fill);
  return el("p", { class: "print-only compare-print-info", "data-compare-print-info": "" }, "このページ：", address, el("br"), "印刷日：", date);
}

function notice(text, kind = "info") {
  return el("p", { class: `compare-notice compare-notice--${kind}` }, text);
}

function emptyState(selection, limit) {
  const stored = selection.ids;
  return el(
    "div",
    { class: "compare-empty", "data-compare-empty": "" },
    el("h2", { id: "compare-empty-title", tabindex: "-1" }, "比較する事業所が選ばれていません"),
    el(
      "p",
      {},
      `都道府県の一覧や検索結果、事業所のページにある「比較に追加」ボタンで、比べたい事業所を${limit}件まで選んでください。選んだ事業所は画面下の「比較リスト」に入り、「比較表を見る」からこのページで並べて見られます。`,
    ),
    stored.length
      ? el("p", {}, el("a", { href: siteUrl(comparePath(stored)), "data-compare-stored": "" }, `比較リストの${stored.length}件を表で見る`))
      : el("p", {}, el("a", { href: siteUrl("#prefectures") }, "都道府県から事業所を探す")),
  );
}

/** @param {HTMLElement} root the element with data-compare-page */
export async function mountComparePage(root) {
  const limit = readConfig().compareLimit;
  const selection = getSelection();
  const rows = readRows();
  const notices = root.querySelector("[data-compare-notices]");
  const output = root.querySelector("[data-compare-output]");
  for (const hint of root.querySelectorAll("[data-compare-nojs]")) hint.hidden = true;

  const params = new URLSearchParams(window.location.search);
  // The site menu links to /compare/ without ids: show the saved list then.
  const raw = params.has("ids") ? params.get("ids") : selection.ids.join(",");
  const request = parseIds(raw);
  if (!request.ids.length && !request.malformed.length) {
    output.replaceChildren(emptyState(selection, limit));
    return;
  }

  output.setAttribute("aria-busy", "true");
  output.replaceChildren(el("p", {}, "読み込んでいます…"));
  const chosen = await fetchChosen(request, limit, chunkFetcher());
  output.removeAttribute("aria-busy");
  let facilities = chosen.found;
  const { unknown, overflow, failed } = chosen;

  const messages = [];
  if (unknown.length) {
    messages.push(notice(`見つからない事業所がありました。次のIDは表示していません：${listText(unknown)}`, "warning"));
  }
  if (overflow.length) {
    messages.push(notice(`比較できるのは${limit}件までです。${limit + 1}件目からの事業所（${listText(overflow)}）は表示していません。`, "warning"));
  }
  if (failed) {
    messages.push(notice(`${failed}件の事業所の情報を読み込めませんでした。通信状態を確かめて、ページを再読み込みしてください。`, "error"));
  }
  notices.replaceChildren(...messages);

  const footer = printInfo();
  const render = (focusIndex = null) => {
    if (!facilities.length) {
      output.replaceChildren(emptyState(selection, limit));
      if (focusIndex !== null) output.querySelector("#compare-empty-title").focus();
      return;
    }
    output.replaceChildren(
      ...renderBasisNotes({ rows, facilities }),
      renderCompareTable({ rows, facilities, onRemove: remove }),
      el(
        "p",
        { class: "compare-legend" },
        "★最高（就職定着率）と★最短（駅からの徒歩）は、この表の中でいちばん良い値の印です。幅のある値（「90%以上」など）は、確実に言える下限で比べています。就職定着率は、数え方（就職から何ヶ月後か）が同じ事業所どうしのときだけ比べます。定員・平均利用期間・昨年の就職人数には印を付けません。",
      ),
      footer,
    );
    if (focusIndex !== null) {
      const buttons = output.querySelectorAll("[data-compare-remove]");
      buttons[Math.min(focusIndex, buttons.length - 1)].focus();
    }
  };

  function remove(facility) {
    const index = facilities.indexOf(facility);
    facilities = facilities.filter((other) => other !== facility);
    selection.remove(facility.id);
    setAddress(facilities.map((f) => f.id));
    render(index);
    announce(`${facility.name}を比較から外しました。残りは${facilities.length}件です。`);
  }

  // The address keeps only what is shown, so a shared link shows the same table.
  // A facility that failed to load stays in it, to be tried again on reload.
  if (!failed) setAddress(facilities.map((f) => f.id));
  updateVisitLink(facilities.map((f) => f.id));
  render();
}
