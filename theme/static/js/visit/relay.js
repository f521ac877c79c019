/**
 * The operator's relay form (only when FACILITY_SITE sets inquiry_endpoint):
 * sends one office's message by POST to the operator's own endpoint, after
 * the visitor agreed to share the sensitive part, and says plainly whether
 * it arrived.
 *
 * The body is application/x-www-form-urlencoded, a "simple" request, so an
 * endpoint on another origin needs no preflight; it must still answer with
 * Access-Control-Allow-Origin for the page to read whether it succeeded.
 */
import { el } from "../compare/dom.js";
import { REPLIES } from "./message.js";

/** The fields the operator's endpoint receives. */
export function relayFields(record, current, consent) {
  const { draft } = current;
  return {
    facility_id: record.id,
    facility_name: record.name,
    purpose: draft.purpose,
    name: draft.name,
    reply_method: draft.reply,
    reply_to: draft.reply_to,
    subject: current.subject,
    message: current.body,
    sensitive_included: draft.support ? "yes" : "no",
    sensitive_consent: consent ? "yes" : "no",
  };
}

/**
 * @param {Object} record the office's entry in facility-data/<k>.json
 * @param {{inquiryEndpoint: string, privacyPolicyUrl: string}} config
 * @param {() => {subject: string, body: string, draft: Object}} getCurrent the office's current message
 * @returns {{node: HTMLElement}}
 */
export function renderRelay(record, config, getCurrent) {
  const id = record.id;
  const consentId = `visit-consent-${id}`;
  const hintId = `visit-consent-hint-${id}`;
  const consent = el("input", { type: "checkbox", id: consentId, name: "consent", "data-visit-consent": "", "aria-describedby": hintId });
  const status = el("p", { class: "visit-status", role: "status", "data-visit-relay-status": "" });
  const send = el("button", { type: "submit", "data-visit-relay-send": "", "aria-label": `${record.name}あての文面を運営者に送る` }, "運営者に送る");
  const form = el(
    "form",
    { class: "visit-relay", "data-visit-relay": "", novalidate: true },
    el("h4", {}, "運営者に取り次ぎを頼む"),
    el(
      "p",
      {},
      "この文面をこのサイトの運営者に送ると、運営者がこの事業所に取り次ぎます。送った内容の扱いは",
      el("a", { href: config.privacyPolicyUrl, "data-visit-privacy-policy": "" }, "運営者のプライバシーポリシー"),
      "をご覧ください。",
    ),
    el("div", { class: "visit-consent" }, consent, el("label", { for: consentId }, "「配慮してほしいこと」（要配慮個人情報）を、運営者とこの事業所に伝えることに同意します")),
    el("p", { class: "visit-hint", id: hintId }, "「配慮してほしいこと」を書いたときは、このチェックがないと送れません。書いていないときは、チェックは要りません。"),
    el("p", {}, send),
    status,
  );

  const say = (text, kind) => {
    status.textContent = text;
    status.dataset.state = kind;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const current = getCurrent();
    if (!current) return;
    const { draft } = current;
    if (!draft.reply_to) {
      say("送れませんでした。運営者から返事を受け取る連絡先を、上の「返事を受け取る連絡先」に書いてください。", "invalid");
      return;
    }
    if (draft.support && !consent.checked) {
      say("送れませんでした。「配慮してほしいこと」を送るには、同意のチェックが必要です。送りたくないときは、その欄を空にしてください。", "invalid");
      consent.focus();
      return;
    }
    send.disabled = true;
    say("送信しています…", "sending");
    let response = null;
    try {
      response = await fetch(new URL(config.inquiryEndpoint, window.location.href).href, {
        method: "POST",
        body: new URLSearchParams(relayFields(record, current, consent.checked)),
        credentials: "omit",
        headers: { Accept: "application/json, text/plain, */*" },
      });
    } catch {
      response = null;
    }
    send.disabled = false;
    if (response && response.ok) {
      say(`送信しました。運営者が受け付けました。返事は${REPLIES[draft.reply]}（${draft.reply_to}）に届きます。しばらく届かないときは、上の連絡先に直接問い合わせてください。`, "sent");
    } else if (response) {
      say(`送信できませんでした（運営者のサーバーの応答：${response.status}）。少し時間をおいてもう一度送るか、上の連絡先に直接問い合わせてください。書いた内容はこのページに残っています。`, "failed");
    } else {
      say("送信できませんでした。通信できなかったか、運営者のサーバーが応答しませんでした（届いたかどうかは確かめられません）。通信状態を確かめてもう一度送るか、上の連絡先に直接問い合わせてください。", "failed");
    }
  });
  return { node: form };
}
