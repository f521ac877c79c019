/**
 * One office in the planner: how to reach it and when, its message (mail
 * link, copy button, phone script), the operator's relay form when the site
 * has one, and its printed 見学メモ.
 *
 *   <article data-visit-office data-facility-id="…">
 *     … [data-visit-subject], [data-visit-message], a[href^="mailto:"], [data-visit-copy] …
 *   </article>
 */
import { siteUrl } from "../config.js";
import { el } from "../compare/dom.js";
import { copyText } from "./copy.js";
import { renderMemo } from "./memo.js";
import { MAILTO_SAFE_LENGTH, composeMessage, mailtoHref, messageText, phoneScript } from "./message.js";
import { renderRelay } from "./relay.js";

function factList(pairs, className = "facts facts--pairs visit-facts") {
  return el("dl", { class: className }, ...pairs.map(([label, value]) => el("div", {}, el("dt", {}, label), el("dd", {}, value))));
}

function contactPart(record, headingId) {
  const contact = record.contact || {};
  const pairs = [];
  if (contact.phone) pairs.push(["電話", contact.tel ? el("a", { href: contact.tel }, contact.phone) : contact.phone]);
  if (contact.fax) pairs.push(["FAX", contact.fax]);
  if (contact.email) pairs.push(["メール", contact.email]);
  if (contact.form) {
    pairs.push(["問い合わせフォーム", el("a", { href: contact.form, rel: "noopener noreferrer external" }, "事業所のフォームを開く", el("span", { class: "visually-hidden" }, `（${record.name}、外部サイト）`))]);
  }
  const heading = el("h4", { id: headingId }, "連絡先");
  if (!pairs.length) {
    const where = contact.website
      ? el("a", { href: contact.website, rel: "noopener noreferrer external" }, "事業所のウェブサイト")
      : el("a", { href: siteUrl(record.url) }, "事業所のページ");
    return [
      heading,
      el(
        "p",
        { class: "visit-note", "data-visit-no-contact": "" },
        "この事業所の連絡先はまだ登録されていません。",
        where,
        "で確かめるか、お住まいの市区町村の障害福祉の窓口で問い合わせ先を聞いてください。",
      ),
    ];
  }
  return [heading, factList(pairs)];
}

function hoursPart(record) {
  const parts = [el("h4", {}, "利用できる時間帯")];
  if (record.hours && record.hours.length) parts.push(factList(record.hours));
  else parts.push(el("p", { class: "visit-note" }, "時間帯と定休日はまだ登録されていません。問い合わせのときに確かめてください。"));
  const offers = (record.offers || []).map(([label, , answer]) => [label, answer]);
  if (record.offers_note) offers.push(["補足", record.offers_note]);
  if (offers.length) parts.push(el("h4", {}, "見学・体験"), factList(offers));
  return parts;
}

/**
 * @param {Object} record the office's entry in facility-data/<k>.json
 * @param {{questions: Object[], inquiryEndpoint: string, privacyPolicyUrl: string}} config
 * @returns {{node: HTMLElement, update: (draft: Object) => void}}
 */
export function renderOffice(record, config) {
  const id = record.id;
  const titleId = `visit-office-${id}`;
  const contact = record.contact || {};
  const canWrite = Boolean(contact.email || contact.form);

  const subject = el("span", { "data-visit-subject": "" });
  const message = el("pre", { class: "visit-message", "data-visit-message": "", id: `visit-message-${id}` });
  const status = el("p", { class: "visit-status", role: "status", "data-visit-copy-status": "" });
  const copy = el("button", { type: "button", class: "secondary", "data-visit-copy": "", "aria-label": `${record.name}あての文面をコピー` }, "文面をコピー");
  const mail = contact.email
    ? el("a", { class: "button", href: `mailto:${contact.email}`, "data-visit-mail": "", "aria-label": `${record.name}あてのメールを作成` }, "メールを作成")
    : null;
  const longNote = el("p", { class: "visit-note", hidden: true, "data-visit-mail-long": "" }, "文面が長いため、メールソフトによっては途中で切れることがあります。そのときは「文面をコピー」を使って貼り付けてください。");
  const script = el("ol", { class: "visit-script", "data-visit-phone-script": "" });

  let current = null;
  copy.addEventListener("click", async () => {
    status.textContent = "";
    const copied = await copyText(messageText(current));
    status.textContent = copied
      ? "文面をコピーしました。メールやフォームに貼り付けてください。"
      : "コピーできませんでした。文面を選んでコピーしてください。";
    if (!copied) window.getSelection().selectAllChildren(message);
  });

  const send = [];
  if (contact.phone && !canWrite) {
    send.push(
      el("h4", {}, "電話で伝えること"),
      el("p", {}, contact.fax ? "メールやフォームの窓口は登録されていません。電話では、次の順に伝えると話が進みます。" : "公開されている連絡先は電話だけです。次の順に伝えると話が進みます。"),
      script,
      el("p", { class: "visit-note" }, "電話が難しいときは、お住まいの市区町村の障害福祉の窓口や相談支援事業所に、問い合わせを手伝ってもらえないか相談できます。"),
    );
  }
  send.push(el("h4", {}, "送る文面"), el("p", { class: "visit-subject" }, "件名：", subject), message, el("div", { class: "visit-actions" }, mail, copy), status, longNote);
  if (contact.form) send.push(el("p", { class: "visit-note" }, "問い合わせフォームには、コピーした文面を貼り付けられます。"));
  if (contact.fax && !canWrite) send.push(el("p", { class: "visit-note" }, "FAXで送るときは、この文面をコピーして文書に貼り付けて印刷するか、書き写して送ってください。"));
  const relay = config.inquiryEndpoint ? renderRelay(record, config, () => current) : null;

  const node = el(
    "article",
    { class: "visit-office", "data-visit-office": "", "data-facility-id": id, "aria-labelledby": titleId },
    el("h3", { class: "visit-office__name", id: titleId }, el("a", { href: siteUrl(record.url) }, record.name)),
    el("div", { class: "visit-office__screen" }, ...contactPart(record, `${titleId}-contact`), ...hoursPart(record), ...send, relay ? relay.node : null),
    renderMemo(record, config.questions || []),
  );

  return {
    node,
    update(draft) {
      current = { ...composeMessage(draft, record), draft };
      subject.textContent = current.subject;
      message.textContent = current.body;
      if (mail) {
        const href = mailtoHref(contact.email, current);
        mail.setAttribute("href", href);
        longNote.hidden = href.length <= MAILTO_SAFE_LENGTH;
      }
      script.replaceChildren(...phoneScript(draft).map((line) => el("li", {}, line)));
      status.textContent = "";
    },
  };
}
