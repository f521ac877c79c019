/**
 * Words for a search state: the summary bar (「神奈川県・発達障害・定着支援あり」)
 * and the page title (「神奈川県・発達障害の事業所（57件）｜条件で探す｜…」).
 */
import { formatCount } from "./render.js";

// More prefectures than this are shortened to 「東京都ほか3都道府県」.
const NAMED_PREFECTURES = 3;

/**
 * The chosen conditions in words, in the form's order.
 * @param {import("./state.js").SearchState} state
 * @param {object} config the page's search config
 * @returns {string[]}
 */
export function describeState(state, config) {
  const parts = [];
  const q = state.q.trim();
  if (q) parts.push(`「${q}」`);
  const prefs = state.pref.map((slug) => config.prefectureNames[config.prefectures.indexOf(slug)]);
  if (prefs.length > NAMED_PREFECTURES) parts.push(`${prefs[0]}ほか${prefs.length - 1}都道府県`);
  else parts.push(...prefs);
  for (const slug of state.dis) parts.push(config.disabilityShort[config.disabilities.indexOf(slug)]);
  for (const slug of state.svc) {
    const short = config.serviceShort[config.services.indexOf(slug)];
    parts.push(slug === "retention" ? `${short}あり` : short);
  }
  for (const slug of state.opt || []) parts.push(`${config.optionLabels[config.options.indexOf(slug)]}あり`);
  if ((state.vacancy || []).includes("yes")) parts.push("空きあり");
  if (state.walk !== null) parts.push(`駅から徒歩${state.walk}分以内`);
  if (state.within != null) parts.push(`現在地から${state.within}km以内`);
  return parts;
}

/** The summary bar's text. */
export function summaryText(parts) {
  return parts.length ? parts.join("・") : "すべての事業所";
}

/**
 * The page title for the shown results.
 * @param {string[]} parts describeState's output
 * @param {number|null} total null while unknown
 * @param {string} base the page's own title (「条件で探す｜しゅうろうナビ」)
 */
export function pageTitle(parts, total, base) {
  const count = total === null ? "" : `（${formatCount(total)}件）`;
  const what = parts.length ? `${parts.join("・")}の事業所` : "すべての事業所";
  return `${what}${count}｜${base}`;
}
