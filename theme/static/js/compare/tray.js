/**
 * The compact 比較リスト tray: how many facilities are chosen, a link to the
 * comparison, and a control to empty the list. It stays at the bottom of
 * the window (position: sticky) and appears once something is chosen.
 */
import { siteUrl } from "../config.js";
import { announce } from "./announce.js";
import { el } from "./dom.js";
import { comparePath, getSelection } from "./selection.js";

/** Mount the tray after <main>; returns the tray element. */
export function mountCompareTray() {
  const selection = getSelection();
  const title = el("h2", { class: "compare-tray__title", id: "compare-tray-title", tabindex: "-1" }, "比較リスト");
  const count = el("p", { class: "compare-tray__count", "data-compare-count": "" });
  const open = el("a", { class: "button compare-tray__open", "data-compare-open": "" }, "比較表を見る");
  const clear = el("button", { type: "button", class: "secondary compare-tray__clear", "data-compare-clear": "" }, "すべて外す");
  const memoryNote = selection.persistent
    ? null
    : el("p", { class: "compare-tray__note" }, "この端末では比較リストを保存できません。ページを移動すると選択は消えます。");
  const tray = el(
    "section",
    { class: "compare-tray", "aria-labelledby": "compare-tray-title", "data-compare-tray": "", hidden: true },
    el("div", { class: "compare-tray__inner" }, title, count, el("div", { class: "compare-tray__actions" }, open, clear), memoryNote),
  );

  let shown = false;
  const update = () => {
    const ids = selection.ids;
    // Once shown, the tray stays for this page, so focus has somewhere to go after clearing.
    shown = shown || ids.length > 0;
    tray.hidden = !shown;
    count.textContent = ids.length ? `${ids.length}件（最大${selection.limit}件）` : "空です";
    open.hidden = ids.length === 0;
    clear.hidden = ids.length === 0;
    open.setAttribute("href", siteUrl(comparePath(ids)));
  };

  clear.addEventListener("click", () => {
    selection.clear();
    title.focus();
    announce("比較リストを空にしました。");
  });
  selection.subscribe(update);
  update();

  const main = document.querySelector("main");
  if (main) main.after(tray);
  else document.body.append(tray);
  return tray;
}
