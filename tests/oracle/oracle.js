// The scim2-parse-filter oracle for tests/e2e/e2e_filter_oracle.py.
// stdin: {"resources": [...], "filters": [...]}; stdout: one entry per
// filter: {"ok": false} when the oracle's strict parser rejects it, else
// {"ok": true, "match": [indexes of the matching resources]}.
"use strict";
const path = require("path");
const dir = process.env.SCIMLET_ORACLE_DIR;
const spf = require(dir ? path.join(dir, "scim2-parse-filter") : "scim2-parse-filter");
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const { resources, filters } = JSON.parse(input);
  const out = filters.map((f) => {
    let ast;
    try {
      ast = spf.parse(f);
    } catch (e) {
      return { ok: false };
    }
    const test = spf.filter(ast);
    const match = [];
    resources.forEach((r, i) => { if (test(r)) match.push(i); });
    return { ok: true, match };
  });
  process.stdout.write(JSON.stringify(out));
});
