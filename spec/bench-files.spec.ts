// The file bench's instrument (bench/files/): on a tiny generated export, the
// hand-written program and the DuckDB SQL write the same outputs as
// `interpret peppa-files.stream --out DIR --now T`, by the comparison the bench
// makes on every repeat; and that comparison does catch a changed, missing or
// extra record or reject.
import fc from "fast-check";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareOutputs, describeComparison, reasonOf, type Comparison } from "../bench/files/compare-outputs.js";
import { generateFiles, DEFAULT_OPTIONS, type Generated } from "../bench/files/generate-files.js";
import { runHandwritten } from "../bench/files/handwritten-files.js";
import { writeStreamFile } from "../bench/files/stream-file.js";
import { interpret, readJsonl } from "./cli/helpers.js";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-bench-files-"));
const options = { ...DEFAULT_OPTIONS, events: 500, files: 3, accounts: 40 };

let generated: Generated | undefined;
function data(): Generated {
  return (generated ??= generateFiles(path.join(work, "gen"), options));
}

let interpreted: { out: string; report: { balanced: boolean; rejects: { step: string; reason: string; count: number }[] } } | undefined;
async function interpreterOut(): Promise<NonNullable<typeof interpreted>> {
  if (!interpreted) {
    const g = data();
    const stream = writeStreamFile(path.join(work, "gen", "peppa-files.stream"), g.dataDir);
    const out = path.join(work, "interpreter");
    const r = await interpret([stream, "--out", out, "--now", g.now, "--json"]);
    assert.is(r.code, 0, r.stderr);
    interpreted = { out: path.join(out, "out"), report: JSON.parse(r.stdout) };
  }
  return interpreted;
}

let handOut: string | undefined;
async function handwrittenOut(): Promise<string> {
  if (!handOut) {
    const g = data();
    await runHandwritten({ data: g.dataDir, out: path.join(work, "hand"), now: g.now });
    handOut = path.join(work, "hand", "out");
  }
  return handOut;
}

const assertEqual = (c: Comparison): void => assert.ok(c.equal, `the outputs differ:\n${describeComparison(c)}`);
const records = (c: Comparison, file: string): number => c.files.find((f) => f.file === file)?.records[0] ?? 0;

test("the generator is seeded: the same options give the same files, another seed others", () => {
  const g = data();
  const again = generateFiles(path.join(work, "again"), options);
  const other = generateFiles(path.join(work, "other"), { ...options, seed: options.seed + 1 });
  const bytes = (gen: Generated): string[] => [...gen.coreFiles, ...gen.cpqFiles].map((f) => fs.readFileSync(f, "utf8"));
  assert.equal(bytes(again), bytes(g));
  assert.not.equal(bytes(other), bytes(g));
  assert.is(g.coreFiles.length, 3);
  assert.is(g.coreLines + g.cpqLines, 500);
  // Reused, not regenerated, while the options match.
  assert.ok(generateFiles(path.join(work, "again"), options).reused);
});

test("the state bench's stream: streams/peppa-files.stream with `batch N` on both sources, or one per source, and it checks", async () => {
  const g = data();
  const file = writeStreamFile(path.join(work, "gen", "batch.stream"), g.dataDir, { batch: 100 });
  const text = fs.readFileSync(file, "utf8");
  assert.match(text, 'source core from jsonl "data/core/*.jsonl" batch 100 {');
  assert.match(text, 'source cpq from csv "data/cpq/*.csv" batch 100 delimiter ";" {');
  const r = await interpret(["check", file]);
  assert.is(r.code, 0, r.stderr);
  // The state bench reads CPQ in proportion to its lines: a batch per source.
  const each = writeStreamFile(path.join(work, "gen", "each.stream"), g.dataDir, { batch: { core: 100, cpq: 43 } });
  const eachText = fs.readFileSync(each, "utf8");
  assert.match(eachText, 'source core from jsonl "data/core/*.jsonl" batch 100 {');
  assert.match(eachText, 'source cpq from csv "data/cpq/*.csv" batch 43 delimiter ";" {');
  assert.is((await interpret(["check", each])).code, 0);
});

test("the generated files hold every irregularity of the real exports", async () => {
  const { report } = await interpreterOut();
  const reasons = new Set(report.rejects.map((r) => `${r.step}: ${r.reason}`));
  for (const expected of [
    "core: invalid JSON",
    "core: expected a JSON object",
    "core: time: expected timestamp",
    "core_ok: unsupported CloudEvents version",
    "core_ok: not a funnel event",
    "core_ok: malformed event id",
    "core_ok: unknown funnel event",
    "core_ok: event time lies in the future",
    "cpq: expected 5 cells as in the header",
    "cpq: occurred: expected timestamp",
    "cpq_ok: malformed quote line",
    "cpq_ok: unknown quote stage",
    "cpq_ok: event time lies in the future",
  ]) assert.ok(reasons.has(expected), `no reject "${expected}" in ${[...reasons].join(", ")}`);
  const g = data();
  // Duplicates within a file and across files (a file starts with the end of the previous one).
  const second = fs.readFileSync(g.coreFiles[1]!, "utf8").split("\n");
  assert.ok(fs.readFileSync(g.coreFiles[0]!, "utf8").includes(second[0]!), "the second Core file starts with an event of the first");
  const audit = readJsonl(path.join((await interpreterOut()).out, "audit.jsonl"));
  assert.ok(audit.some((a) => a["system"] === "core") && audit.some((a) => a["system"] === "cpq"), "unknown accounts from both systems");
});

test("the bench's comparison counts rejects by reason as the report does", async () => {
  const { out, report } = await interpreterOut();
  const counted = new Map<string, number>();
  for (const r of readJsonl(path.join(out, "rejects.jsonl"))) {
    for (const reason of new Set((r["errors"] as unknown[]).map(reasonOf))) {
      const key = `${String(r["step"])}: ${reason}`;
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
  }
  assert.equal(Object.fromEntries([...counted].sort()), Object.fromEntries(report.rejects.map((r) => [`${r.step}: ${r.reason}`, r.count] as const).sort()));
});

test("the hand-written program writes the interpreter's outputs", async () => {
  const { out, report } = await interpreterOut();
  assert.ok(report.balanced);
  const c = compareOutputs(out, await handwrittenOut(), ["the interpreter", "hand-written"]);
  assertEqual(c);
  assert.equal(c.files.map((f) => f.file), ["audit.jsonl", "files-analytics.jsonl", "files-billing.csv", "files-reconciliation.jsonl", "rejects.jsonl"]);
  for (const f of c.files) assert.ok(f.records[0] > 0, `${f.file} is empty: nothing was compared`);
});

test("DuckDB SQL writes the interpreter's outputs", async () => {
  let runDuckdb: typeof import("../bench/files/duckdb-files.js").runDuckdb;
  try {
    ({ runDuckdb } = await import("../bench/files/duckdb-files.js"));
  } catch (e) {
    // Only when the native package cannot load on this machine (see docs/internals.md "Speed").
    console.log(`  skipped: @duckdb/node-api cannot be loaded here: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const g = data();
  const { out } = await interpreterOut();
  await runDuckdb({ data: g.dataDir, out: path.join(work, "duckdb"), now: g.now });
  const c = compareOutputs(out, path.join(work, "duckdb", "out"), ["the interpreter", "duckdb"]);
  assertEqual(c);
  assert.ok(records(c, "files-billing.csv") > 0 && records(c, "rejects.jsonl") > 0);
});

/** A copy of the hand-written outputs with one file changed by `edit`. */
async function perturbed(name: string, file: string, edit: (lines: string[]) => string[]): Promise<string> {
  const dir = path.join(work, `perturbed-${name}`);
  fs.cpSync(await handwrittenOut(), dir, { recursive: true });
  const p = path.join(dir, file);
  const lines = fs.readFileSync(p, "utf8").split("\n").filter((l) => l !== "");
  fs.writeFileSync(p, edit(lines).map((l) => l + "\n").join(""));
  return dir;
}

const perturbations: [string, string, (lines: string[]) => string[]][] = [
  ["a billed quantity changed", "files-billing.csv", (ls) => ls.map((l, i) => (i === 1 ? l.replace(/,(\d+)$/, (_, n: string) => `,${Number(n) + 1}`) : l))],
  ["a billing row missing", "files-billing.csv", (ls) => ls.filter((_, i) => i !== 2)],
  ["an analytics record twice", "files-analytics.jsonl", (ls) => [...ls, ls[0]!]],
  ["an analytics field renamed", "files-analytics.jsonl", (ls) => ls.map((l, i) => (i === 0 ? l.replace('"events"', '"count"') : l))],
  ["a reconciliation timestamp changed", "files-reconciliation.jsonl", (ls) => ls.map((l, i) => (i === 0 ? l.replace(/\.000Z/, ".001Z") : l))],
  ["an audit event of another run", "audit.jsonl", (ls) => ls.map((l, i) => (i === 0 ? l.replace('"run":1', '"run":2') : l))],
  ["a reject missing", "rejects.jsonl", (ls) => ls.slice(1)],
  ["a reject with another reason", "rejects.jsonl", (ls) => ls.map((l) => l.replace("unknown funnel event", "unknown event"))],
];
for (const [name, file, edit] of perturbations) {
  test(`the comparison fails on ${name}`, async () => {
    const { out } = await interpreterOut();
    const dir = await perturbed(name.replace(/\W+/g, "-"), file, edit);
    const c = compareOutputs(out, dir);
    assert.not.ok(c.equal, `${name} went unnoticed`);
    assert.equal(c.files.filter((f) => f.differences.length).map((f) => f.file), [file]);
  });
}

test("the comparison leaves aside the order of records and of fields, and the parser's own words", async () => {
  const { out } = await interpreterOut();
  const reversed = await perturbed("reordered", "files-analytics.jsonl", (ls) =>
    ls.reverse().map((l) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l) as object).reverse()))),
  );
  fs.writeFileSync(
    path.join(reversed, "rejects.jsonl"),
    fs.readFileSync(path.join(reversed, "rejects.jsonl"), "utf8").replace(/invalid JSON: [^"]*/g, "invalid JSON: some other parser's message"),
  );
  const c = compareOutputs(out, reversed);
  assertEqual(c);
  assert.not.ok(c.files.find((f) => f.file === "files-analytics.jsonl")!.identical);
});


const OUTPUTS = ["audit.jsonl", "files-analytics.jsonl", "files-billing.csv", "files-reconciliation.jsonl", "rejects.jsonl"] as const;

/** The hand-written outputs, each file's lines as `edit` leaves them, in a new folder. */
async function variant(edit: (file: string, lines: string[]) => string[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(work, "variant-"));
  const from = await handwrittenOut();
  for (const f of OUTPUTS) {
    const lines = fs.readFileSync(path.join(from, f), "utf8").split("\n").filter((l) => l !== "");
    fs.writeFileSync(path.join(dir, f), edit(f, lines).map((l) => l + "\n").join(""));
  }
  return dir;
}

/** Shuffles by sorting on random keys (fast-check gives the keys, so a failure shrinks). */
const shuffled = <T>(xs: T[], keys: number[]): T[] => xs.map((x, i) => [keys[i % keys.length]! + i / 1e6, x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

test("property: any order of the records, in every file, compares equal", async () => {
  const { out } = await interpreterOut();
  await fc.assert(
    fc.asyncProperty(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), async (keys) => {
      const dir = await variant((f, ls) => (f.endsWith(".csv") ? [ls[0]!, ...shuffled(ls.slice(1), keys)] : shuffled(ls, keys)));
      const c = compareOutputs(out, dir);
      fs.rmSync(dir, { recursive: true });
      return c.equal;
    }),
    { numRuns: 15 },
  );
});

test("property: one sink or audit record changed, dropped or doubled is a difference in that file", async () => {
  const { out } = await interpreterOut();
  const sinks = OUTPUTS.filter((f) => f !== "rejects.jsonl");
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...sinks), fc.nat(), fc.constantFrom("change", "drop", "double"), async (file, n, how) => {
      const dir = await variant((f, ls) => {
        if (f !== file) return ls;
        const first = f.endsWith(".csv") ? 1 : 0; // not the header
        const i = first + (n % (ls.length - first));
        if (how === "drop") return ls.filter((_, j) => j !== i);
        if (how === "double") return [...ls, ls[i]!];
        // One value changed: the last digit of the line's last number, or a letter of a CSV cell.
        const line = ls[i]!;
        const m = /(\d)(?!.*\d)/.exec(line)!;
        const changed = line.slice(0, m.index) + String((Number(m[1]) + 1) % 10) + line.slice(m.index + 1);
        return ls.map((l, j) => (j === i ? changed : l));
      });
      const c = compareOutputs(out, dir);
      fs.rmSync(dir, { recursive: true });
      return !c.equal && c.files.filter((x) => x.differences.length).every((x) => x.file === file);
    }),
    { numRuns: 30 },
  );
});

test.after(() => fs.rmSync(work, { recursive: true, force: true }));

test.run();
