/**
 * The printed 見学メモ for one office: what the site knows, the questions
 * worth asking with what the site says about each, and room to write the
 * answers. Shown only in print (visit.css), one office per A4 sheet.
 */
import { el } from "../compare/dom.js";

const CONDITION_OF_QUESTION = { costs: "transport", lunch: "lunch", remote: "remote" };

/** What the site already says about a question, or null. */
function knownFor(question, record) {
  if (question.key === "retention_rate") {
    const fact = (record.facts || []).find(([label]) => label === "就職定着率");
    return fact ? `就職定着率：${fact[1]}` : null;
  }
  if (question.key === "retention") return `就労定着支援：${record.retention_support ? "あり" : "登録なし"}`;
  const slug = CONDITION_OF_QUESTION[question.key];
  const condition = slug && (record.conditions || []).find(([s]) => s === slug);
  return condition ? `${condition[1]}：${condition[3]}` : null;
}

function contactLine(contact) {
  const parts = [];
  if (contact.phone) parts.push(`電話 ${contact.phone}`);
  if (contact.fax) parts.push(`FAX ${contact.fax}`);
  if (contact.email) parts.push(`メール ${contact.email}`);
  if (contact.form) parts.push(`フォーム ${contact.form}`);
  return parts.join("　") || "登録なし";
}

/**
 * @param {Object} record the office's entry in facility-data/<k>.json
 * @param {{key: string, text: string}[]} questions
 */
export function renderMemo(record, questions) {
  const facts = [
    ...(record.facts || []),
    ["連絡先", contactLine(record.contact || {})],
    ["利用できる時間帯", (record.hours || []).map(([label, text]) => `${label} ${text}`).join("／") || "登録なし"],
    ["見学・体験", (record.offers || []).map(([label, , answer]) => `${label}：${answer}`).join("／")],
    ["通うときの条件", (record.conditions || []).map(([, label, , answer]) => `${label}：${answer}`).join("／")],
  ];
  return el(
    "div",
    { class: "visit-memo", "data-visit-memo": "" },
    el("p", { class: "visit-memo__title" }, "見学メモ"),
    el("dl", { class: "visit-memo__facts" }, ...facts.map(([label, text]) => el("div", {}, el("dt", {}, label), el("dd", {}, text)))),
    el("p", { class: "visit-memo__blank" }, "見学した日：", el("span", { class: "visit-memo__line" }), "担当の方：", el("span", { class: "visit-memo__line" })),
    el("h4", { class: "visit-memo__heading" }, "聞いておきたいこと"),
    el(
      "ol",
      { class: "visit-memo__questions" },
      ...questions.map((question) => {
        const known = knownFor(question, record);
        return el(
          "li",
          { "data-visit-question": question.key },
          el("span", { class: "visit-memo__question" }, question.text),
          known ? el("span", { class: "visit-memo__known" }, `（サイトの情報　${known}）`) : null,
          el("span", { class: "visit-memo__answer" }),
        );
      }),
    ),
    el("h4", { class: "visit-memo__heading" }, "気づいたこと"),
    el("div", { class: "visit-memo__notes" }),
  );
}
