// The generated code (record builders, field reads, validate checks, aggregate
// folds, and the per-node and per-step copies of values/per-site.ts) has a plain
// fallback for hosts that forbid code generation from strings (a strict content
// security policy); both must give the same outputs.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "peppa-outputs.ts");

function outputs(flags: string[]): unknown {
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", SCRIPT], { encoding: "utf8", maxBuffer: 1 << 28 });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("peppa.stream gives the same outputs with code generation from strings forbidden", () => {
  const generated = outputs([]);
  const plain = outputs(["--disallow-code-generation-from-strings"]);
  assert.ok((generated as { outputs: { billing?: unknown[] } }[])[2]!.outputs.billing!.length > 0, "the last run bills");
  assert.equal(plain, generated);
});

test.run();
