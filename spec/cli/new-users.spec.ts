// The mistakes new users make first, and the message each one gets: what a
// user sees on standard error, the exit code, and that nothing was written.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOW, interpret, tempDir } from "./helpers.js";

const write = (dir: string, files: Record<string, string>): string => {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
};

test("a CSV source whose header reads as one column: a hint names the delimiter to write", async () => {
  const dir = write(tempDir(), {
    "s.stream": 'source s from csv "d.csv" { id string  qty int }\nsink o from s to jsonl "o.jsonl"\n',
    "d.csv": "id;qty\na;1\n",
  });
  const r = await interpret(["s.stream", "--now", NOW], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(
    r.stderr,
    'interpret: hint: the header of d.csv (source `s`) reads as one column `id;qty`: the stream reads it as comma-separated (the default), but it looks separated by ";"; write `delimiter ";"` after the file\'s path\n',
  );
  // With the delimiter the stream says, no hint.
  write(dir, { "s.stream": 'source s from csv "d.csv" delimiter ";" { id string  qty int }\nsink o from s to jsonl "o.jsonl"\n' });
  const fixed = await interpret(["s.stream", "--now", NOW], { cwd: dir });
  assert.is(fixed.stderr, "");
  assert.is(fs.readFileSync(path.join(dir, "o.jsonl"), "utf8"), '{"id":"a","qty":1}\n');
});

test("a CSV table whose header reads as one column: the hint comes before the table's errors", async () => {
  const dir = write(tempDir(), {
    "s.stream": 'source s { id string }\ntable t from csv "t.csv" key id { id string  plan string }\nmap m from s { id = id  plan = t[id].plan ?? "none" }\nsink o from m to jsonl "o.jsonl"\n',
    "t.csv": "id\tplan\na\tgrowth\n",
  });
  const r = await interpret(["s.stream", "--now", NOW], { cwd: dir });
  assert.is(r.code, 2);
  assert.match(r.stderr, /^interpret: hint: the header of t\.csv \(table `t`\) reads as one column `id\tplan`: .* looks separated by "\\t"; write `delimiter "\\t"` after the file's path\ninterpret: table `t`/);
});

test("a UTF-8 byte order mark at the start of a stream file is accepted (check, run, fmt --check)", async () => {
  const text = 'source s {\n  v int\n}\nsink o from s to jsonl "o.jsonl"\n';
  const dir = write(tempDir(), { "bom.stream": `\uFEFF${text}`, "in.jsonl": '{"v":1}\n' });
  const check = await interpret(["check", "bom.stream"], { cwd: dir });
  assert.is(check.code, 0, check.stderr);
  assert.is(check.stdout, "bom.stream: ok (2 steps, 0 warnings)\n");
  const run = await interpret(["bom.stream", "--input", "s=in.jsonl", "--now", NOW], { cwd: dir });
  assert.is(run.code, 0, run.stderr);
  assert.is(fs.readFileSync(path.join(dir, "o.jsonl"), "utf8"), '{"v":1}\n');
  assert.is((await interpret(["fmt", "--check", "bom.stream"], { cwd: dir })).code, 0);
  assert.is(fs.readFileSync(path.join(dir, "bom.stream"), "utf8"), `\uFEFF${text}`, "fmt leaves the file as it was");
});

test("`=` where `==` was meant: E0017 with the comparison to write", async () => {
  const r = await interpret(["check", "-"], { stdin: 'source a { v int }\nvalidate ok from a { require v = 1 else "no" }\nsink o from ok to jsonl "o.jsonl"\n' });
  assert.is(r.code, 1);
  assert.match(r.stderr, "error[E0017]: `=` cannot compare; a comparison is written `==`\n  --> <stdin>:2:32\n");
  assert.match(r.stderr, "  = hint: to compare, write `==`: `v == 1`\n  = see docs/codes.md#e0017\n");
});

test("a single-quoted string: one error at its opening quote, with the string in double quotes", async () => {
  const r = await interpret(["check", "-"], { stdin: "source a { v int }\nmap m from a { t = 'hi' }\nsink o from m to jsonl \"o.jsonl\"\n" });
  assert.is(r.code, 1);
  assert.is(r.stderr.match(/error\[E0001\]/g)?.length, 1);
  assert.match(r.stderr, "error[E0001]: unexpected character `'`\n  --> <stdin>:2:20\n");
  assert.match(r.stderr, '  = hint: strings are written in double quotes: "hi"\n');
});

test("undeclared fields are named in the report, not only counted", async () => {
  const dir = write(tempDir(), {
    "s.stream": 'source s { v int  data.a int }\nsink o from s to jsonl "o.jsonl"\n',
    "in.jsonl": '{"v":1,"referrer":"x","data":{"a":1,"extra":2}}\n{"v":2,"utm":"y","data":{"a":2}}\n',
  });
  const r = await interpret(["s.stream", "--input", "s=in.jsonl", "--now", NOW], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, "undeclared fields dropped: s 3 (`referrer`, `data.extra`, `utm`; declare them in the schema to keep them)\n");
  const json = await interpret(["s.stream", "--input", "s=in.jsonl", "--now", NOW, "--json"], { cwd: dir });
  const step = (JSON.parse(json.stdout) as { steps: { step: string; undeclaredFields?: number; undeclaredFieldNames?: string[] }[] }).steps[0]!;
  assert.equal([step.undeclaredFields, step.undeclaredFieldNames], [3, ["referrer", "data.extra", "utm"]]);
});

test("undeclared fields of a file source are named too, its lines parsed as the run decodes them, over runs and files", async () => {
  const dir = write(tempDir(), {
    "s.stream": 'source s from jsonl "in/*.jsonl" { v int  data.a int }\nsink o from s to jsonl "o.jsonl"\n',
    "in/1.jsonl": '{"v":1,"referrer":"x","data":{"a":1,"extra":2}}\n{"v":"bad","ignored":1}\n',
    "in/2.jsonl": '{"v":2,"utm":"y","data":{"a":2}}\n',
  });
  const r = await interpret(["s.stream", "--now", NOW, "--json"], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const step = (JSON.parse(r.stdout) as { steps: { step: string; undeclaredFields?: number; undeclaredFieldNames?: string[] }[] }).steps[0]!;
  // The invalid record's field is not counted, so it is not named.
  assert.equal([step.undeclaredFields, step.undeclaredFieldNames], [3, ["referrer", "data.extra", "utm"]]);
});

test("--out that names a file, or a path inside one: a usage error before anything is read or written", async () => {
  const dir = write(tempDir(), { "s.stream": 'source s { v int }\nsink o from s to jsonl "o.jsonl"\n', "results.txt": "keep\n", "in.jsonl": '{"v":1}\n' });
  for (const out of ["results.txt", "results.txt/deeper"]) {
    const r = await interpret(["s.stream", "--input", "s=in.jsonl", "--out", out], { cwd: dir });
    assert.is(r.code, 2, out);
    assert.match(r.stderr, `interpret: --out ${out} `);
    assert.match(r.stderr, "--out names the folder the outputs go under (e.g. --out results)");
    assert.is(fs.readFileSync(path.join(dir, "results.txt"), "utf8"), "keep\n");
  }
});

test("an input that is also an output is refused before the run, for each kind of input, and is left as it was", async () => {
  const cases: ReadonlyArray<[string, Record<string, string>, string[], RegExp]> = [
    ["--input", { "s.stream": 'source s { v int }\nsink o from s to jsonl "in.jsonl"\n' }, ["--input", "s=in.jsonl"], /sink `o` would overwrite in\.jsonl, which is the input of source `s`/],
    ["a file source", { "s.stream": 'source s from jsonl "in.jsonl" { v int }\nsink o from s to jsonl "in.jsonl"\n' }, [], /sink `o` would overwrite in\.jsonl, which is a file of source `s`/],
    ["a glob's file", { "s.stream": 'source s from jsonl "*.jsonl" { v int }\nsink o from s to jsonl "in.jsonl"\n' }, [], /sink `o` would overwrite in\.jsonl, which is a file of source `s`/],
    ["a table", { "s.stream": 'source s { v int }\ntable t from jsonl "in.jsonl" key v { v int }\nmap m from s { v = t[v].v ?? 0 }\nsink o from m to jsonl "in.jsonl"\n' }, [], /sink `o` would overwrite in\.jsonl, which is the file of table `t`/],
    ["the built-in rejects as --input", { "s.stream": 'source s { v int }\nsink o from s to jsonl "o.jsonl"\n', "out/rejects.jsonl": '{"v":1}\n' }, ["--input", "s=out/rejects.jsonl"], /the built-in rejects output would overwrite out\/rejects\.jsonl, which is the input of source `s`/],
    ["the state file", { "s.stream": 'source s { v int }\nsink o from s to jsonl "in.jsonl"\n' }, ["--state", "in.jsonl"], /sink `o` would overwrite in\.jsonl, which is the state file/],
  ];
  for (const [what, files, args, message] of cases) {
    const dir = write(tempDir(), { "in.jsonl": '{"v":1}\n', ...files });
    const before = new Map(fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f), "utf8") : ""]));
    const r = await interpret(["s.stream", "--now", NOW, ...args], { cwd: dir });
    assert.is(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, message, what);
    assert.is(r.stdout, "", what);
    const after = new Map(fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f), "utf8") : ""]));
    assert.equal(after, before, `${what}: nothing written`);
  }
});

test.run();
