// Scores made-up score signatures with the engine's rankSignatures and with lunr.js 2.3.9
// itself (the engine's way until issue 17: one lunr document per signature, one REQUIRED
// clause per word), and prints both, so the test can compare them bit for bit.
//   node tests/js/rank_parity.mjs '<JSON {seed, cases, fields}>'
// Prints [{words, ours: [score…], lunr: [score…], signatures}] (scores as strings, exact).
import { createRequire } from "node:module";
import { rankSignatures } from "../../theme/static/js/search/engine.js";

const require = createRequire(import.meta.url);
const lunr = require("../../node_modules/lunr/lunr.js");
const { seed, cases, fields } = JSON.parse(process.argv[2]);

// A small deterministic generator (mulberry32), so a failure can be replayed.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (n) => Math.floor(random() * n);
const POOL = ["新宿", "緑区", "ワークス", "しんじゅく", "ADHD", "横", "浜", "a", "市", "就労", "さ", "1"];

/** The engine's lunr scoring before issue 17, verbatim but for the grouping (done by rankSignatures). */
function lunrScores(words, { sums, present, width }, representatives) {
  const fieldCount = fields.length;
  const order = words.map((word, w) => [word, w]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const cell = (m, w, f) => m * width + w * fieldCount + f;
  const invertedIndex = order.map(([word, w], termIndex) => {
    const posting = { _index: termIndex };
    fields.forEach((field, f) => {
      posting[field] = {};
      representatives.forEach((m, id) => {
        if (present[cell(m, w, f)]) posting[field][id] = {};
      });
    });
    return [word, posting];
  });
  const fieldVectors = [];
  fields.forEach((field, f) => {
    representatives.forEach((m, id) => {
      const elements = [];
      order.forEach(([, w], termIndex) => {
        if (present[cell(m, w, f)]) elements.push(termIndex, sums[cell(m, w, f)] / 1000);
      });
      if (elements.length) fieldVectors.push([`${field}/${id}`, elements]);
    });
  });
  const index = lunr.Index.load({ version: lunr.version, fields, fieldVectors, invertedIndex, pipeline: [] });
  const required = lunr.Query.presence.REQUIRED;
  const scores = new Float64Array(representatives.length);
  for (const { ref, score } of index.query((q) => words.forEach((word) => q.term(word, { presence: required })))) scores[Number(ref)] = score;
  return scores;
}

const out = [];
for (let c = 0; c < cases; c++) {
  const words = [];
  const wordCount = 1 + pick(4);
  while (words.length < wordCount) {
    const word = POOL[pick(POOL.length)];
    if (!words.includes(word)) words.push(word);
  }
  const width = words.length * fields.length;
  const matchCount = 1 + pick(400);
  const sums = new Int32Array(matchCount * width);
  const present = new Uint8Array(matchCount * width);
  // Few distinct weights (as lunr.py's are), so that signatures repeat; some present with weight 0.
  const weights = Array.from({ length: 1 + pick(6) }, () => (random() < 0.1 ? 0 : 1 + pick(5000)));
  for (let m = 0; m < matchCount; m++) {
    for (let w = 0; w < words.length; w++) {
      let any = false;
      for (let f = 0; f < fields.length; f++) {
        if (random() < 0.25) {
          present[m * width + w * fields.length + f] = 1;
          sums[m * width + w * fields.length + f] = weights[pick(weights.length)] * (1 + pick(3));
          any = true;
        }
      }
      if (!any) {
        const f = pick(fields.length); // a match has every word somewhere
        present[m * width + w * fields.length + f] = 1;
        sums[m * width + w * fields.length + f] = weights[pick(weights.length)];
      }
    }
  }
  const { signatureOf, scores } = rankSignatures(words, fields, { sums, present, width }, matchCount);
  const representatives = [];
  for (let m = 0; m < matchCount; m++) if (representatives.length === signatureOf[m]) representatives.push(m);
  const reference = lunrScores(words, { sums, present, width }, representatives);
  out.push({ words, signatures: representatives.length, ours: Array.from(scores, String), lunr: Array.from(reference, String) });
}
process.stdout.write(JSON.stringify(out));
