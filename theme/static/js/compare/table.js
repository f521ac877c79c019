/**
 * The comparison table: one column per facility, one row per fact.
 * Facility names are column headers (<th scope="col" data-facility-id>),
 * facts are row headers (<th scope="row">), so a screen reader names the
 * facility and the fact of every value.
 */
import { siteUrl } from "../config.js";
import { basisProblem, bestColumns } from "./best.js";
import { el } from "./dom.js";

// Links in cells come from the reader's checked values; anything else is shown as text.
const SAFE_HREF = /^(tel:|mailto:|https?:\/\/)/i;

/** One way to reach an office: "電話：" then a tel:/mailto: link, the form's link, or plain text (fax). */
function contactItem(link) {
  const text = String(link.text ?? "");
  let value = document.createTextNode(text);
  if (typeof link.href === "string" && SAFE_HREF.test(link.href)) {
    value = link.external
      ? el("a", { href: link.href, rel: "noopener noreferrer external", "data-print-href": "" }, text, el("span", { class: "visually-hidden" }, "（外部サイト）"))
      : el("a", { href: link.href }, text);
  }
  return el("li", {}, `${String(link.label ?? "")}：`, value);
}

function cellContent(cell) {
  if (Array.isArray(cell.links) && cell.links.length) {
    return el("ul", { class: "compare-table__list" }, ...cell.links.map(contactItem));
  }
  if (Array.isArray(cell.items) && cell.items.length) {
    return el("ul", { class: "compare-table__list" }, ...cell.items.map((item) => el("li", {}, String(item))));
  }
  if (cell.datetime) return el("time", { datetime: cell.datetime }, String(cell.text));
  if (cell.note) {
    // A metric's definition beside its value: 2024年度・就職6ヶ月後・事業所発表.
    return el("span", {}, String(cell.text ?? ""), el("span", { class: "metric-note", "data-metric-note": "" }, String(cell.note)));
  }
  return document.createTextNode(String(cell.text ?? ""));
}

/** Why a ranked row has no mark: its cells count the figure differently, or some do not say how. */
function rowProblem(row, cells) {
  return row.better && row.same_basis ? basisProblem(cells) : null;
}

/**
 * Notes for rows left without a mark because their figures are not comparable
 * (就職定着率 counted at different times after starting work, or unknown).
 * @returns {HTMLElement[]}
 */
export function renderBasisNotes({ rows, facilities }) {
  const notes = [];
  for (const row of rows) {
    const problem = rowProblem(row, facilities.map((facility) => facility.cells[row.key] || {}));
    if (!problem) continue;
    const reason = problem === "unlike" ? row.unlike_basis_note : row.unknown_basis_note;
    notes.push(el("p", { class: "compare-why", "data-best-why": row.key, "data-best-problem": problem }, `${row.label}に★を付けていません。${reason}`));
  }
  return notes;
}

function bestMark(label) {
  return el("span", { class: "best-mark", "data-best": "" }, el("span", { class: "best-mark__icon", "aria-hidden": "true" }, "★"), label);
}

/**
 * @param {{
 *   rows: {key: string, label: string, better: (string|null), best_label: string}[],
 *   facilities: {id: string, name: string, url: string, cells: Object<string, Object>}[],
 *   onRemove: (facility: Object) => void,
 * }} options
 * @returns {HTMLElement} a focusable scroll region holding the table
 */
export function renderCompareTable({ rows, facilities, onRemove }) {
  // The inner span stays in view while the table scrolls sideways (it is sticky).
  const caption = el("caption", { id: "compare-caption" }, el("span", { class: "compare-table__caption" }, `選んだ事業所の比較（${facilities.length}件）`));
  const headRow = el(
    "tr",
    {},
    el("th", { scope: "col", class: "compare-table__corner" }, "項目"),
    ...facilities.map((facility) =>
      el("th", { scope: "col", "data-facility-id": facility.id }, el("a", { href: siteUrl(facility.url) }, facility.name)),
    ),
  );
  const body = el("tbody");
  for (const row of rows) {
    const cells = facilities.map((facility) => facility.cells[row.key] || { text: "" });
    const comparable = !rowProblem(row, cells);
    const best = row.better && comparable ? bestColumns(cells.map((cell) => cell.rank), row.better) : new Set();
    body.append(
      el(
        "tr",
        { "data-row": row.key },
        el("th", { scope: "row" }, row.label),
        ...cells.map((cell, index) => el("td", { class: best.has(index) ? "is-best" : false }, cellContent(cell), best.has(index) ? bestMark(row.best_label) : null)),
      ),
    );
  }
  const removeRow = el(
    "tr",
    { class: "compare-table__actions" },
    el("th", { scope: "row" }, "比較から外す"),
    ...facilities.map((facility) => {
      const button = el(
        "button",
        { type: "button", class: "secondary compare-remove", "data-compare-remove": facility.id, "aria-label": `${facility.name}を比較から外す` },
        "外す",
      );
      button.addEventListener("click", () => onRemove(facility));
      return el("td", {}, button);
    }),
  );
  const table = el("table", { class: "compare-table", "data-compare": "" }, caption, el("thead", {}, headRow), body, el("tfoot", {}, removeRow));
  // Wide tables scroll sideways on phones; the region is focusable so keyboards can scroll it too.
  return el("div", { class: "compare-scroll", role: "region", "aria-labelledby": "compare-caption", tabindex: "0" }, table);
}
