// The generated code (record builders, field reads, validate checks, aggregate
// folds, and the per-node and per-step copies of values/per-site.ts) has a plain
// fallback for hosts that forbid code generation from strings (a strict content
// security policy); both must give the same outputs.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const SCRIPT = path.join(FIXTURES, "peppa-outputs.ts");

function outputs(flags: string[], script = SCRIPT): unknown {
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", script], { encoding: "utf8", maxBuffer: 1 << 28 });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("peppa.stream gives the same outputs with code generation from strings forbidden", () => {
  const generated = outputs([]);
  const plain = outputs(["--disallow-code-generation-from-strings"]);
  assert.ok((generated as { outputs: { billing?: unknown[] } }[])[2]!.outputs.billing!.length > 0, "the last run bills");
  assert.equal(plain, generated);
});

test("many kinds of expression give the same values as generated text and as closures, on seeded random records", () => {
  const script = path.join(FIXTURES, "expression-outputs.ts");
  const generated = outputs([], script) as { outputs: { o: Record<string, unknown>[] } };
  const plain = outputs(["--disallow-code-generation-from-strings"], script);
  const rows = generated.outputs.o;
  assert.is(rows.length, 3000);
  // The records reach every branch: a table row found and not, both answers of a comparison.
  assert.ok(rows.some((r) => r["a6"] === true) && rows.some((r) => r["a6"] === false));
  assert.ok(rows.some((r) => r["a9"] === "big") && rows.some((r) => r["a17"] === true));
  assert.equal(plain, generated);
});

test.run();
