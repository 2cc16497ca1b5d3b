// docs/codes.md is generated from the code registry and the golden cases; it
// must be current, give every code its anchor, and every link a diagnostic
// shows must land on one.
import fs from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CODES_DOC, codesDoc } from "../../scripts/codes-doc.js";
import { codeDocs, codes } from "../../src/diagnostics/codes.js";
import { interpret } from "../cli/helpers.js";

test("docs/codes.md is current (npm run docs:codes rewrites it)", () => {
  assert.ok(fs.readFileSync(CODES_DOC, "utf8") === codesDoc(), "docs/codes.md is stale: run `npm run docs:codes` and commit it");
});

test("every code has its section and anchor, retired ones saying so", () => {
  const page = fs.readFileSync(CODES_DOC, "utf8");
  for (const [id, e] of Object.entries(codes)) {
    const at = page.indexOf(`<a id="${id.toLowerCase()}"></a>\n\n## ${id}: ${e.title}\n`);
    assert.ok(at >= 0, id);
    const body = page.slice(at, page.indexOf('<a id="', at + 10) >>> 0);
    if (e.retired) assert.match(body, "No longer reported");
    for (const w of e.message !== undefined ? [e.message] : Object.values(e.messages ?? {})) assert.ok(body.includes(w), `${id}: ${w}`);
  }
});

test("the link under a rendered diagnostic names a section of docs/codes.md", async () => {
  const r = await interpret(["check", "-"], { stdin: "source a { v int }\nsink s from b to jsonl \"o.jsonl\"\n" });
  const links = [...r.stderr.matchAll(/= see (docs\/codes\.md)#(\w+)/g)];
  assert.ok(links.length >= 1, r.stderr);
  const page = fs.readFileSync(CODES_DOC, "utf8");
  for (const [, file, anchor] of links) {
    assert.is(file, "docs/codes.md");
    assert.ok(page.includes(`<a id="${anchor}"></a>`), anchor);
  }
  assert.is(codeDocs("E1002"), "docs/codes.md#e1002");
});

test.run();
