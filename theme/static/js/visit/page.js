/**
 * The visit planner, /visit/?ids=a,b,c: the same list as the comparison
 * (the ids in the address, else the visitor's saved 比較リスト). For each
 * office it reads its entry in the shared data chunks (facility-data/<k>.json,
 * the files the comparison reads), and nothing else.
 *
 * Nothing typed here leaves the page: the draft is kept in sessionStorage
 * for this tab (the sensitive field not even there), and messages reach an
 * office only through the visitor's own mail program, clipboard or phone,
 * or, when the operator set one up and the visitor presses 送る, the relay.
 */
import { readConfig, siteUrl } from "../config.js";
import { announce } from "../compare/announce.js";
import { el } from "../compare/dom.js";
import { chunkFetcher, fetchChosen, parseIds } from "../compare/ids.js";
import { comparePath, getSelection } from "../compare/selection.js";
import { keepDraft, readDraft } from "./draft.js";
import { renderOffice } from "./office.js";

const LIST_SHOWN = 10;

function listText(ids) {
  const shown = ids.slice(0, LIST_SHOWN).join("、");
  return ids.length > LIST_SHOWN ? `${shown} ほか${ids.length - LIST_SHOWN}件` : shown;
}

function notice(text, kind = "info", ...extra) {
  return el("p", { class: `compare-notice compare-notice--${kind}` }, text, ...extra);
}

function readVisitConfig() {
  const fallback = { inquiryEndpoint: "", privacyPolicyUrl: "", questions: [] };
  const block = document.getElementById("visit-config");
  try {
    return { ...fallback, ...JSON.parse(block.textContent) };
  } catch {
    return fallback;
  }
}

function setAddress(ids) {
  const url = new URL(window.location.href);
  url.search = `?ids=${ids.join(",")}`;
  window.history.replaceState(null, "", url.href);
}

function emptyState(selection, limit) {
  const stored = selection.ids;
  return el(
    "div",
    { class: "compare-empty", "data-visit-empty": "" },
    el("h2", {}, "事業所が選ばれていません"),
    el(
      "p",
      {},
      `都道府県の一覧や検索結果、事業所のページにある「比較に追加」ボタンで、問い合わせたい事業所を${limit}件まで選んでください。画面下の「比較リスト」や比較表の「見学・問い合わせの準備」から、このページを開けます。`,
    ),
    stored.length
      ? el("p", {}, el("a", { href: siteUrl(`visit/?ids=${stored.join(",")}`) }, `比較リストの${stored.length}件の問い合わせを準備する`))
      : el("p", {}, el("a", { href: siteUrl("#prefectures") }, "都道府県から事業所を探す")),
  );
}

/** @param {HTMLElement} root the element with data-visit-page */
export async function mountVisitPage(root) {
  const limit = readConfig().compareLimit;
  const config = readVisitConfig();
  const selection = getSelection();
  const notices = root.querySelector("[data-visit-notices]");
  const app = root.querySelector("[data-visit-app]");
  const officesBox = root.querySelector("[data-visit-offices]");
  for (const steps of root.querySelectorAll("[data-visit-nojs]")) steps.hidden = true;

  const params = new URLSearchParams(window.location.search);
  const raw = params.has("ids") ? params.get("ids") : selection.ids.join(",");
  const request = parseIds(raw);
  if (!request.ids.length && !request.malformed.length) {
    notices.replaceChildren(emptyState(selection, limit));
    return;
  }

  notices.setAttribute("aria-busy", "true");
  notices.replaceChildren(el("p", {}, "読み込んでいます…"));
  const { found: records, unknown, overflow, failed } = await fetchChosen(request, limit, chunkFetcher());
  notices.removeAttribute("aria-busy");

  const messages = [];
  if (unknown.length) {
    messages.push(notice(`見つからない事業所がありました。次のIDは表示していません：${listText(unknown)}`, "warning"));
  }
  if (overflow.length) {
    messages.push(notice(`一度に準備できるのは${limit}件までです。${limit + 1}件目からの事業所（${listText(overflow)}）は表示していません。`, "warning"));
  }
  if (failed) {
    messages.push(notice(`${failed}件の事業所の情報を読み込めませんでした。通信状態を確かめて、ページを再読み込みしてください。`, "error"));
  }
  if (!records.length) {
    notices.replaceChildren(...messages, emptyState(selection, limit));
    return;
  }
  const ids = records.map((record) => record.id);
  messages.push(
    notice(
      `${records.length}件の事業所の問い合わせを準備します。`,
      "info",
      el("a", { href: siteUrl(comparePath(ids)), "data-visit-compare-link": "" }, "比較表に戻る"),
    ),
  );
  notices.replaceChildren(...messages);
  if (!failed) setAddress(ids);

  const form = root.querySelector("[data-visit-composer]");
  const draft = keepDraft(form);
  const offices = records.map((record) => renderOffice(record, config));
  officesBox.replaceChildren(...offices.map((office) => office.node));
  const refresh = () => {
    const current = readDraft(form);
    for (const office of offices) office.update(current);
  };
  form.addEventListener("input", () => {
    draft.save();
    refresh();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  root.querySelector("[data-visit-clear]").addEventListener("click", () => {
    draft.clear();
    refresh();
    announce("書いた内容を消しました。");
  });
  root.querySelector("[data-visit-print]").addEventListener("click", () => window.print());
  refresh();
  app.hidden = false;
}
