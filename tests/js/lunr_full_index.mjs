// Queries a whole lunr.py index with lunr.js 2.3.9, the plain way: each query
// word is a `*word*` clause that must match (REQUIRED).
//   node tests/js/lunr_full_index.mjs <serialized index .json> '<JSON list of word lists>'
// Prints, per query, [[ref, score], …] in lunr's result order.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lunr = require("../../node_modules/lunr/lunr.js");
const [indexPath, queriesJson] = process.argv.slice(2);
const index = lunr.Index.load(JSON.parse(readFileSync(indexPath, "utf-8")));
const both = lunr.Query.wildcard.LEADING | lunr.Query.wildcard.TRAILING;
const out = JSON.parse(queriesJson).map((words) =>
  index
    .query((q) => words.forEach((word) => q.term(word, { wildcard: both, presence: lunr.Query.presence.REQUIRED, usePipeline: false })))
    .map(({ ref, score }) => [ref, score]),
);
process.stdout.write(JSON.stringify(out));
