// The code registry: one code, one meaning, and every live code is seen by a
// user in some golden case (spec/cases/**/NAME.expected).
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { codes, message, template, type CodeEntry, type MessageId } from "../../src/diagnostics/codes.js";
import { syntaxCodes } from "../../src/diagnostics/codes/syntax.js";
import { checkCodes } from "../../src/diagnostics/codes/check.js";
import { runCodes } from "../../src/diagnostics/codes/run.js";

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f));
const entries = Object.entries(codes) as [string, CodeEntry][];
const live = entries.filter(([, e]) => !e.retired);

/** Codes emitted where a golden case cannot reach, and the spec that shows each. */
const OUTSIDE_GOLDENS: Readonly<Record<string, string>> = {
  E0099: "spec/syntax/parser-crash.spec.ts",
  E1999: "spec/check/isolation.spec.ts",
  E1016: "spec/check/host-functions.spec.ts",
  // A host hands compile() something that is not a stream text; no file can show it.
  E3002: "spec/runtime/hostile-host.spec.ts",
  // Limits need inputs of thousands of lines, built by the spec.
  E0015: "spec/syntax/limits.spec.ts",
  E0016: "spec/syntax/limits.spec.ts",
  E1021: "spec/syntax/limits.spec.ts",
};

test("each code is in exactly one area's table, within that area's range", () => {
  const areas: [Readonly<Record<string, unknown>>, RegExp][] = [
    [syntaxCodes, /^E00\d\d$/],
    [checkCodes, /^(E[12]\d{3}|W1\d{3})$/],
    [runCodes, /^E3\d{3}$/],
  ];
  const seen = new Map<string, number>();
  for (const [table, range] of areas) {
    for (const code of Object.keys(table)) {
      assert.ok(range.test(code), `${code} is outside its area's range`);
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
  }
  assert.equal([...seen].filter(([, n]) => n > 1), [], "codes in two tables");
  assert.is(seen.size, entries.length);
});

test("a live code has a template (or named wordings) and a title; a retired one says why and has none", () => {
  for (const [code, e] of entries) {
    assert.ok(e.title.length > 0, code);
    if (e.retired) assert.ok(e.message === undefined && e.messages === undefined, `${code} is retired but has a message`);
    else assert.ok((e.message === undefined) !== (e.messages === undefined), `${code} needs exactly one of message, messages`);
    for (const t of [e.message, ...Object.values(e.messages ?? {})].filter((x) => x !== undefined)) {
      assert.not.match(t, /\{(?!\w+\})/, `${code}: a lone brace in ${t}`);
    }
  }
});

test("a template is filled by name, and an argument's text is not read as a template", () => {
  assert.equal(message("E1004", { names: "a -> b -> a" }), { code: "E1004", text: "steps form a cycle: a -> b -> a" });
  assert.equal(message("E2001.order", { left: "{right}", right: "bool" }).text, "cannot order {right} against bool");
  assert.is(template("E2009.composite" as MessageId), "table `{table}` has a composite key ({keys}); test it with `{table}[{keys}] != null`");
});

test("every live code is emitted by some golden case, or by the named spec where no golden case can reach", () => {
  const expected = files("spec/cases").filter((f) => f.endsWith(".expected"));
  const shown = new Set(expected.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^(?:error|warning)\[([EW]\d{4})\]/gm)].map((m) => m[1]!)));
  for (const [code, e] of live) {
    const elsewhere = OUTSIDE_GOLDENS[code];
    if (elsewhere) {
      assert.ok(readFileSync(elsewhere, "utf8").includes(code), `${elsewhere} must show ${code}`);
      if (e.internal) assert.not.ok(shown.has(code), `${code} is internal: no golden case may show it`);
    } else assert.ok(shown.has(code), `no golden case under spec/cases shows ${code} (${e.title}); add one, or retire the code`);
  }
});

test("a retired code is emitted nowhere: no golden shows it, no source names it", () => {
  const retired = entries.filter(([, e]) => e.retired).map(([c]) => c);
  assert.ok(retired.length > 0);
  const sources = files("src").filter((f) => f.endsWith(".ts") && !f.includes(`diagnostics${path.sep}codes`));
  const expected = files("spec/cases").filter((f) => f.endsWith(".expected"));
  for (const code of retired) {
    for (const f of [...sources, ...expected]) assert.not.ok(readFileSync(f, "utf8").includes(code), `${f} names retired ${code}`);
  }
});

test.run();
