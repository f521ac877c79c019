/**
 * The compact 比較リスト tray: how many facilities are chosen, a link to the
 * comparison, and a control to empty the list. It stays at the bottom of
 * the window (position: sticky) and appears once something is chosen.
 *
 * すべて外す can be undone: a 元に戻す button takes its place (and the focus)
 * for UNDO_SECONDS, counted only while the pointer and the focus are elsewhere,
 * so nobody is rushed; any other change to the list ends the offer.
 */
import { siteUrl } from "../config.js";
import { announce } from "./announce.js";
import { el } from "./dom.js";
import { comparePath, getSelection, visitPath } from "./selection.js";

export const UNDO_SECONDS = 10;

/** Mount the tray after <main>; returns the tray element. */
export function mountCompareTray() {
  const selection = getSelection();
  const title = el("h2", { class: "compare-tray__title", id: "compare-tray-title", tabindex: "-1" }, "比較リスト");
  const count = el("p", { class: "compare-tray__count", "data-compare-count": "" });
  const open = el("a", { class: "button compare-tray__open", "data-compare-open": "" }, "比較表を見る");
  const visit = el("a", { class: "button secondary compare-tray__visit", "data-compare-visit-open": "" }, "見学・問い合わせの準備");
  const clear = el("button", { type: "button", class: "secondary compare-tray__clear", "data-compare-clear": "" }, "すべて外す");
  const undoText = el("span", {}, "比較リストを空にしました。");
  const undoButton = el("button", { type: "button", class: "secondary compare-tray__undo", "data-compare-undo": "" }, "元に戻す");
  const undo = el("p", { class: "compare-tray__undo-row", hidden: true }, undoText, undoButton);
  const memoryNote = selection.persistent
    ? null
    : el("p", { class: "compare-tray__note" }, "この端末では比較リストを保存できません。ページを移動すると選択は消えます。");
  const tray = el(
    "section",
    { class: "compare-tray", "aria-labelledby": "compare-tray-title", "data-compare-tray": "", hidden: true },
    el("div", { class: "compare-tray__inner" }, title, count, el("div", { class: "compare-tray__actions" }, open, visit, clear), undo, memoryNote),
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
    visit.hidden = ids.length === 0;
    visit.setAttribute("href", siteUrl(visitPath(ids)));
  };

  // The offer to undo すべて外す: the ids taken out, and the time left while nobody is at the button.
  let taken = null;
  let timer = 0;
  const endUndo = () => {
    window.clearTimeout(timer);
    taken = null;
    if (!undo.hidden && undo.contains(document.activeElement)) title.focus();
    undo.hidden = true;
  };
  const countDown = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(endUndo, UNDO_SECONDS * 1000);
  };
  const hold = () => window.clearTimeout(timer);
  const release = () => {
    if (taken && !undo.matches(":hover") && !undo.contains(document.activeElement)) countDown();
  };
  undoButton.addEventListener("focus", hold);
  undoButton.addEventListener("pointerenter", hold);
  undoButton.addEventListener("blur", release);
  undoButton.addEventListener("pointerleave", release);

  clear.addEventListener("click", () => {
    const previous = selection.ids;
    selection.clear(); // ends any earlier offer (see subscribe below)
    taken = previous;
    undo.hidden = false;
    undoButton.focus();
    release(); // counts down only if the focus did not land on the button (focus() already held it)
    announce("比較リストを空にしました。元に戻すボタンで戻せます。");
  });
  undoButton.addEventListener("click", () => {
    const previous = taken;
    taken = null;
    selection.restore(previous || []);
    endUndo();
    title.focus();
    announce(`比較リストを元に戻しました。比較リストは${selection.ids.length}件です。`);
  });
  selection.subscribe((change) => {
    if (change.type !== "cleared" && change.type !== "full") endUndo();
    update();
  });
  update();

  const main = document.querySelector("main");
  if (main) main.after(tray);
  else document.body.append(tray);
  return tray;
}
