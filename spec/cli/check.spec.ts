import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, streamsFolder } from "./helpers.js";

test("check: a clean stream gives a one-line summary and exit 0", async () => {
  const r = await interpret(["check", "streams/peppa.stream"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, "streams/peppa.stream: ok (22 steps, 0 warnings)\n");
  assert.is(r.stderr, "");
});

test("check: the file-based example is clean too", async () => {
  const r = await interpret(["check", "streams/peppa-files.stream"]);
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, /^streams\/peppa-files\.stream: ok \(20 steps, 0 warnings\)\n$/);
});

test("check: a broken stream shows every diagnostic with file:line:col and exits 1", async () => {
  const dir = streamsFolder();
  fs.writeFileSync(path.join(dir, "broken.stream"), 'stream broken\nsource a { v int }\nsink s from b to jsonl "o.jsonl"\nsink t from a to jsonl "o.jsonl" {\n');
  const r = await interpret(["check", "broken.stream"], { cwd: dir });
  assert.is(r.code, 1);
  assert.is(r.stdout, "", "diagnostics go to standard error");
  assert.match(r.stderr, /error\[E\d+\]: unknown step `b`/);
  assert.match(r.stderr, /--> broken\.stream:3:13/);
  assert.match(r.stderr, /3 \| sink s from b to jsonl "o\.jsonl"\n\s+\|\s+\^/);
  assert.match(r.stderr, /did you mean `a`\?/);
  assert.match(r.stderr, /\n  = see docs\/codes\.md#e1002\n/);
  assert.match(r.stderr, /\d+ errors?, \d+ warnings?\n$/);
});

test("check: a missing file is exit 2 with a message, not a stack trace", async () => {
  const r = await interpret(["check", "streams/nope.stream"]);
  assert.is(r.code, 2);
  assert.is(r.stderr, "interpret: cannot read streams/nope.stream: no such file\n");
  assert.is(r.stdout, "");
});

test("fmt --check: the example streams are canonical", async () => {
  const r = await interpret(["fmt", "--check", "streams/peppa.stream"]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.stdout, "");
});

test("fmt: prints the canonical text; --check lists a file that differs; --write fixes it", async () => {
  const dir = streamsFolder();
  const file = path.join(dir, "messy.stream");
  fs.writeFileSync(file, 'stream   messy\nsource a {v int}\nsink s from a to jsonl "out/s.jsonl"\n');
  const printed = await interpret(["fmt", "messy.stream"], { cwd: dir });
  assert.is(printed.code, 0);
  assert.match(printed.stdout, /^stream messy\n/);
  const checked = await interpret(["fmt", "--check", "messy.stream"], { cwd: dir });
  assert.is(checked.code, 1);
  assert.is(checked.stdout, "messy.stream: not formatted\n");
  const written = await interpret(["fmt", "--write", "messy.stream"], { cwd: dir });
  assert.is(written.code, 0);
  assert.is(fs.readFileSync(file, "utf8"), printed.stdout);
  assert.is((await interpret(["fmt", "--check", "messy.stream"], { cwd: dir })).code, 0);
});

test("help, --version, an unknown command and an unknown option", async () => {
  const help = await interpret(["--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /interpret check FILE\.stream/);
  assert.match(help.stdout, /--state FILE/);
  assert.is((await interpret(["help"])).stdout, help.stdout);
  const v = await interpret(["--version"]);
  assert.is(v.code, 0);
  assert.match(v.stdout, /^interpret \d+\.\d+\.\d+\n$/);
  const unknown = await interpret(["frobnicate"]);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command `frobnicate`/);
  const option = await interpret(["streams/peppa.stream", "--frob"]);
  assert.is(option.code, 2);
  assert.match(option.stderr, /^interpret: unknown option `--frob`\n/);
  assert.match(option.stderr, /usage: interpret \[run\] FILE\.stream/);
  const none = await interpret([]);
  assert.is(none.code, 2);
});

test.run();
