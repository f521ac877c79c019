// Queries a whole lunr.py index with lunr.js 2.3.9, the plain way, as the site's
// matching rules say (tests/search/test_search_engine.py lunr_clauses):
// each query word is one or more clauses over some fields — `*word*`
// (wildcard "both"), `word*` ("trailing", the place readings) or the exact
// word that marks an everyday word's condition ("none") — and a facility must
// match some clause of every word. The clauses are OPTIONAL (lunr's REQUIRED
// is per field, so two required clauses of one word over different fields
// would demand both); the AND over words is applied to lunr's match data.
// Scores are lunr's own.
//   node tests/js/lunr_full_index.mjs <serialized index .json> '<JSON list of queries: [[clause, …] per word]>'
// Prints, per query, [[ref, score], …] in lunr's result order.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lunr = require("../../node_modules/lunr/lunr.js");
const [indexPath, queriesJson] = process.argv.slice(2);
const index = lunr.Index.load(JSON.parse(readFileSync(indexPath, "utf-8")));
const WILDCARD = { both: lunr.Query.wildcard.LEADING | lunr.Query.wildcard.TRAILING, trailing: lunr.Query.wildcard.TRAILING, none: lunr.Query.wildcard.NONE };
const fits = (clause, term) =>
  clause.wildcard === "both" ? term.includes(clause.term) : clause.wildcard === "trailing" ? term.startsWith(clause.term) : term === clause.term;
const out = JSON.parse(queriesJson).map((words) =>
  index
    .query((q) =>
      words.forEach((clauses) =>
        clauses.forEach((clause) =>
          q.term(clause.term, { fields: clause.fields, wildcard: WILDCARD[clause.wildcard], presence: lunr.Query.presence.OPTIONAL, usePipeline: false }),
        ),
      ),
    )
    .filter(({ matchData }) =>
      words.every((clauses) =>
        Object.entries(matchData.metadata).some(([term, byField]) =>
          clauses.some((clause) => fits(clause, term) && clause.fields.some((field) => field in byField)),
        ),
      ),
    )
    .map(({ ref, score }) => [ref, score]),
);
process.stdout.write(JSON.stringify(out));
