// Build a plain lunr.js index (lunr's default pipeline: trimmer, stop words,
// English stemmer) from the documents JSON: node lunr_build.cjs docs.json index.json
"use strict";
const fs = require("fs");
const path = require("path");
const lunr = require(path.join(__dirname, "..", "..", "node_modules", "lunr"));

const [docsPath, outPath] = process.argv.slice(2);
const docs = JSON.parse(fs.readFileSync(docsPath, "utf8"));
const idx = lunr(function () {
  this.ref("id");
  this.field("title");
  this.field("body");
  for (const doc of docs) this.add(doc);
});
fs.writeFileSync(outPath, JSON.stringify(idx));
