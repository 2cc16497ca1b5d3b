import { Readable } from "node:stream";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readItems } from "../../src/io/read-items.js";
import { writeCsv } from "../../src/io/write-csv.js";
import { writeJson } from "../../src/io/write-json.js";
import { writeJsonl } from "../../src/io/write-jsonl.js";
import type { JsonRecord } from "../../src/model/json-record.js";
import { collect, recordsOf } from "./helpers.js";

test("jsonl: one compact object per line", () => {
  assert.is(writeJsonl([{ a: 1, b: "x" }, { a: null, c: [1, { d: true }] }]), '{"a":1,"b":"x"}\n{"a":null,"c":[1,{"d":true}]}\n');
  assert.is(writeJsonl([]), "");
});

test("property: jsonl is each record's JSON and a newline, whatever the records", () => {
  fc.assert(
    fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), (records) => {
      assert.is(writeJsonl(records as JsonRecord[]), records.map((r) => JSON.stringify(r) + "\n").join(""));
    }),
  );
});

test("json: a pretty array with a trailing newline", () => {
  assert.is(writeJson([{ a: 1 }]), '[\n  {\n    "a": 1\n  }\n]\n');
  assert.is(writeJson([]), "[]\n");
});

test("csv: header in column order, quoting, nested values as JSON, null as empty", () => {
  const out = writeCsv(
    [{ b: 'say "hi", then\nleave', a: 1, c: null, d: { x: [1, 2] } }, { a: true }],
    { columns: ["a", "b", "c", "d"] },
  );
  assert.is(out, 'a,b,c,d\n1,"say ""hi"", then\nleave",,"{""x"":[1,2]}"\ntrue,,,\n');
  assert.is(writeCsv([{ a: "x" }], { columns: ["a"], header: false }), "x\n");
  assert.is(writeCsv([{ a: "x;y" }], { columns: ["a"], delimiter: ";" }), 'a\n"x;y"\n');
  // A CR alone is a line break to many readers: its cell is quoted, as one with an LF is.
  assert.is(writeCsv([{ a: "x\ry", b: "\r", c: "plain" }], { columns: ["a", "b", "c"] }), 'a,b,c\n"x\ry","\r",plain\n');
});

test("csv: what the writer writes, the reader reads back", async () => {
  const records = [{ a: 'q"uo,te', b: "line\nbreak" }, { a: "", b: " spaced " }, { a: "cr\ralone", b: "crlf\r\nin a cell" }, { a: "\r", b: "x" }];
  const text = writeCsv(records, { columns: ["a", "b"] });
  const items = await collect(readItems(Readable.from([text]), "-", { format: "csv" }));
  assert.equal(recordsOf(items), records);
});

test.run();
