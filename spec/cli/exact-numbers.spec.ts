// Numbers end to end: what a sink's file says for ints past 2^53, decimals
// with more digits than a double holds, and hostile exponents.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, readLines, tempDir } from "./helpers.js";

const STREAM = `
param rate decimal = 1
source ev from jsonl "in.jsonl" { id string  q int  d decimal }
map out from ev {
  id = id
  plus2 = q + 2
  minus10 = -q - 10
  times = q * 1000000000
  literal = 9007199254740993 - q
  text = string(q + 2)
  d = d * rate
}
aggregate total from out by all = "all" { sum = sum(plus2) }
sink o from out to jsonl "out/o.jsonl"
sink c from out to csv "out/o.csv"
sink t from total to json "out/t.json"
`;

const INPUT = [
  '{"id":"a","q":9007199254740991,"d":12345678901234567890.123}',
  '{"id":"b","q":-9007199254740991,"d":0.10000000000000000001}',
  '{"id":"c","q":9223372036854775807,"d":9007199254740993}',
  '{"id":"d","q":1000000000000,"d":"+1.0"}',
  '{"id":"e","q":9223372036854775808,"d":1}',
  '{"id":"f","q":1,"d":1e999999999}',
  '{"id":"g","q":1,"d":"1e-999999999"}',
].join("\n");

function folder(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "n.stream"), STREAM);
  fs.writeFileSync(path.join(dir, "in.jsonl"), INPUT + "\n");
  return dir;
}

test("ints are exact 64-bit and decimals keep every digit, in JSON, CSV and sums", async () => {
  const dir = folder();
  const out = path.join(dir, "o");
  const start = Date.now();
  const r = await interpret([path.join(dir, "n.stream"), "--out", out]);
  assert.is(r.code, 0, r.stderr);
  assert.ok(Date.now() - start < 10_000);
  assert.equal(readLines(path.join(out, "out/o.jsonl")), [
    '{"id":"a","plus2":9007199254740993,"minus10":-9007199254741001,"times":null,"literal":2,"text":"9007199254740993","d":"12345678901234567890.123"}',
    '{"id":"b","plus2":-9007199254740989,"minus10":9007199254740981,"times":null,"literal":18014398509481984,"text":"-9007199254740989","d":"0.10000000000000000001"}',
    '{"id":"c","plus2":null,"minus10":null,"times":null,"literal":-9214364837600034814,"text":null,"d":"9007199254740993"}',
    '{"id":"d","plus2":1000000000002,"minus10":-1000000000010,"times":null,"literal":9006199254740993,"text":"1000000000002","d":"1"}',
  ]);
  assert.equal(readLines(path.join(out, "out/o.csv")).slice(0, 2), [
    "id,plus2,minus10,times,literal,text,d",
    "a,9007199254740993,-9007199254741001,,2,9007199254740993,12345678901234567890.123",
  ]);
  // 9007199254740993 - 9007199254740989 + 1000000000002, the null of c skipped.
  assert.match(fs.readFileSync(path.join(out, "out/t.json"), "utf8"), /"sum": 1000000000006\n/);
  const rejects = readLines(path.join(out, "out/rejects.jsonl"));
  assert.equal(rejects.map((l) => (JSON.parse(l) as { errors: { rule: string; message: string }[] }).errors[0]), [
    { rule: "schema", message: "q: expected int, got 9223372036854775808 (beyond the 64-bit range of int)" },
    { rule: "schema", message: "d: expected decimal, got 1e999999999 (beyond the digits a decimal may have, 10^1000 down to 10^-1000)" },
    { rule: "schema", message: 'd: expected decimal, got "1e-999999999" (beyond the digits a decimal may have, 10^1000 down to 10^-1000)' },
  ]);
  // A reject keeps the number as it was written.
  assert.match(rejects[0]!, /"record":\{"id":"e","q":9223372036854775808,"d":1\}/);
  assert.match(rejects[1]!, /"record":\{"id":"f","q":1,"d":1e999999999\}/);
});

test("a huge exponent in --param is refused at once with its reason", async () => {
  const dir = folder();
  const start = Date.now();
  const r = await interpret([path.join(dir, "n.stream"), "--out", path.join(dir, "o"), "--param", "rate=1e999999999"]);
  assert.ok(Date.now() - start < 5_000, `${Date.now() - start} ms`);
  assert.is(r.code, 2);
  assert.match(r.stderr, /param `rate`: expected decimal, got "1e999999999" \(beyond the digits a decimal may have/);
  const plus = await interpret([path.join(dir, "n.stream"), "--out", path.join(dir, "o"), "--param", "rate=+2.0"]);
  assert.is(plus.code, 0, plus.stderr);
});

test("an int literal past 64 bits is a compile error at the literal", async () => {
  const dir = tempDir();
  const file = path.join(dir, "big.stream");
  fs.writeFileSync(file, 'source ev { q int }\nmap m from ev { x = q + 9223372036854775808 }\nsink o from m to jsonl "o.jsonl"\n');
  const r = await interpret(["check", file]);
  assert.is(r.code, 1);
  assert.match(r.stdout + r.stderr, /E0004/);
  assert.match(r.stdout + r.stderr, /the whole number `9223372036854775808` is beyond the 64-bit range of int/);
  assert.match(r.stdout + r.stderr, /big\.stream:2:25/);
});

test.run();
