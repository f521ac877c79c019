// Prints what theme/static/js/search/tokenizer.js makes of every corpus string,
// as JSON on stdout, for tests/test_tokenizer_parity.py to compare with Python.
import { readFileSync } from "node:fs";
import { normalize, splitWords, parseQuery } from "../../theme/static/js/search/tokenizer.js";

const corpus = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const out = corpus.strings.map((text) => ({
  normalized: normalize(text),
  words: splitWords(normalize(text)),
  query: parseQuery(text),
}));
process.stdout.write(JSON.stringify(out));
