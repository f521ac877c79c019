/**
 * Which cells of a row hold the best value.
 *
 * Each cell of a ranked row (就職定着率, the walk) carries `rank: [bound, strict]`,
 * computed at build time by metric_rank() in plugins/facility_site/records/metrics.py,
 * the rule the search's sorts use too: the bound the published value
 * guarantees — the lower bound when higher is better (`90%以上` → 90,
 * `92%` → 92), the upper bound when lower is better (`3分` → 3) —
 * and whether it is strict (超/未満 guarantee a little more than 以上/以下).
 * Cells without a rank (非公開 or 未掲載, or nothing guaranteed on that side) are never best.
 * Ties are all best; when every column ties, nothing stands out and nothing is marked.
 */

function compareRanks(a, b, better) {
  // Positive when a is better than b.
  if (a[0] !== b[0]) return better === "higher" ? a[0] - b[0] : b[0] - a[0];
  return a[1] - b[1];
}

/**
 * @param {(Array<number>|undefined)[]} ranks one per column
 * @param {"higher"|"lower"} better
 * @returns {Set<number>} column indexes of the best cells
 */
export function bestColumns(ranks, better) {
  const best = new Set();
  if (ranks.length < 2) return best;
  let top = null;
  ranks.forEach((rank, index) => {
    if (!Array.isArray(rank)) return;
    const order = top === null ? 1 : compareRanks(rank, top, better);
    if (order > 0) {
      top = rank;
      best.clear();
    }
    if (order >= 0) best.add(index);
  });
  return best.size === ranks.length ? new Set() : best;
}

/**
 * Whether a row's ranked cells count the same way. 就職定着率 counted 6 months
 * after starting work and one counted at 1 year are not comparable, nor is one
 * whose `basis` the record does not give; such a row gets no mark.
 * Only cells with a rank matter (非公開 is never marked anyway).
 * @param {{rank?: Array<number>, basis?: number}[]} cells one per column
 * @returns {null|"unlike"|"unknown"} why the row cannot be marked, or null when it can
 */
export function basisProblem(cells) {
  const ranked = cells.filter((cell) => Array.isArray(cell.rank));
  if (ranked.length < 2) return null;
  if (ranked.some((cell) => typeof cell.basis !== "number")) return "unknown";
  return new Set(ranked.map((cell) => cell.basis)).size > 1 ? "unlike" : null;
}
