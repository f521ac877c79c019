/**
 * The visitor's message, composed once and turned into one message per office:
 * a subject and body for mail or a form, a mailto: address, and for offices
 * reached only by phone, what to say. Pure functions: no DOM, no storage.
 */

/** What the visitor asks for, in the words each place needs. */
export const PURPOSES = {
  tour: { label: "見学", subject: "見学のお願い", request: "見学" },
  trial: { label: "体験", subject: "体験利用のお願い", request: "体験利用" },
  consult: { label: "相談", subject: "利用についてのご相談", request: "利用についての相談" },
};

/** How the visitor wants the answer. */
export const REPLIES = { email: "メール", phone: "電話", fax: "FAX" };

/**
 * Who writes: the person who would use the office, or someone for them. A parent or a support
 * worker says so, instead of a message that reads as if they would be the one attending.
 */
export const WRITERS = {
  self: { considering: "貴事業所の利用を考えており、", calling: "就労支援の利用を考えていて、" },
  family: { considering: "家族が貴事業所の利用を考えており、家族として", calling: "家族が就労支援の利用を考えていて、" },
  supporter: { considering: "支援している方が貴事業所の利用を考えており、支援者として", calling: "支援している方が就労支援の利用を考えていて、" },
};

/**
 * A draft as read from the composer form.
 * @typedef {{purpose: string, writer: string, name: string, dates: string, reply: string, reply_to: string, support: string, notes: string}} Draft
 */

const trim = (value) => String(value ?? "").trim();

/** The draft with every field a trimmed string and the choices known ones. */
export function cleanDraft(draft = {}) {
  return {
    purpose: PURPOSES[draft.purpose] ? draft.purpose : "tour",
    writer: WRITERS[draft.writer] ? draft.writer : "self",
    name: trim(draft.name),
    dates: trim(draft.dates),
    reply: REPLIES[draft.reply] ? draft.reply : "email",
    reply_to: trim(draft.reply_to),
    support: trim(draft.support),
    notes: trim(draft.notes),
  };
}

/**
 * One office's message.
 * @param {Draft} draft
 * @param {{name: string}} office
 * @returns {{subject: string, body: string}} body lines joined with "\n"
 */
export function composeMessage(draft, office) {
  const d = cleanDraft(draft);
  const purpose = PURPOSES[d.purpose];
  const subject = d.name ? `${purpose.subject}（${d.name}）` : purpose.subject;
  const lines = [`${office.name}`, "ご担当者様", ""];
  lines.push(d.name ? `はじめまして。${d.name}と申します。` : "はじめまして。");
  lines.push(`${WRITERS[d.writer].considering}${purpose.request}をお願いしたくご連絡しました。`, "");
  lines.push("■希望する日時", d.dates || "ご都合のよい日時を教えていただけますと助かります。", "");
  lines.push("■返事の受け取り方", d.reply_to ? `${REPLIES[d.reply]}：${d.reply_to}` : `${REPLIES[d.reply]}でお願いします。`, "");
  if (d.support) lines.push("■配慮をお願いしたいこと", d.support, "");
  if (d.notes) lines.push("■そのほか", d.notes, "");
  lines.push("お忙しいところ恐れ入りますが、よろしくお願いいたします。");
  if (d.name) lines.push("", d.name);
  return { subject, body: lines.join("\n") };
}

/** The text the copy button puts on the clipboard: subject line, blank line, body. */
export function messageText(message) {
  return `件名：${message.subject}\n\n${message.body}`;
}

/**
 * A mailto: address with subject and body filled in (RFC 6068: every value
 * percent-encoded as UTF-8, line breaks as %0D%0A).
 * @param {string} email an address the build already validated
 * @param {{subject: string, body: string}} message
 */
export function mailtoHref(email, message) {
  const body = message.body.replace(/\r?\n/g, "\r\n");
  return `mailto:${email}?subject=${encodeURIComponent(message.subject)}&body=${encodeURIComponent(body)}`;
}

/** Some mail programs cut longer mailto: addresses; the page suggests copying instead. */
export const MAILTO_SAFE_LENGTH = 2000;

/**
 * What to say on the phone, one line per step.
 * @param {Draft} draft
 * @returns {string[]}
 */
export function phoneScript(draft) {
  const d = cleanDraft(draft);
  const purpose = PURPOSES[d.purpose];
  const steps = [
    d.name
      ? `「${d.name}と申します。${WRITERS[d.writer].calling}${purpose.request}のお願いでお電話しました。」`
      : `「${WRITERS[d.writer].calling}${purpose.request}のお願いでお電話しました。」`,
    d.dates ? `「希望は${d.dates}です。ご都合はいかがでしょうか。」` : "「ご都合のよい日を教えていただけますか。」",
  ];
  if (d.support) steps.push(`配慮してほしいことを伝える：「${d.support}」`);
  steps.push(
    d.reply_to ? `連絡先を伝える：「返事は${REPLIES[d.reply]}で、${d.reply_to}にお願いします。」` : `連絡先を伝える：「返事は${REPLIES[d.reply]}でお願いします。」`,
  );
  steps.push("決まった日時、担当の方の名前、持ち物を書き留める。");
  return steps;
}
