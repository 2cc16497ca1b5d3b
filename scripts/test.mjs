#!/usr/bin/env node
// `npm test`: type-check everything, run every uvu spec, and end with the plain
// summary line `N passed, M failed` that CI reads (uvu prints its own format).
import { spawnSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// An optional argument narrows the run to spec files whose path matches it.
const only = process.argv[2];
const filter = only ? `^(?=.*(?:${only})).*\\.spec\\.ts$` : "\\.spec\\.ts$";

const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"], {
  cwd: root,
  stdio: "inherit",
});
const typeErrors = tsc.status === 0 ? 0 : 1;
if (typeErrors) console.log("type check failed");

const uvuBin = path.join(path.join(root, "node_modules", "uvu"), "bin.js");
// spec/setup.ts configures fast-check for every spec (see there).
const child = spawn(process.execPath, ["--import", "tsx", "--import", "./spec/setup.ts", uvuBin, "spec", filter, "--no-color"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
});
let out = "";
child.stdout.on("data", (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on("close", (code) => {
  const num = (label) => Number((out.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, "m")) ?? [])[1] ?? NaN);
  const total = num("Total");
  const passed = num("Passed");
  const skipped = num("Skipped") || 0;
  let failed = Number.isNaN(total) ? 1 : total - passed - skipped;
  if (code !== 0 && failed === 0) failed = 1;
  failed += typeErrors;
  const ok = Number.isNaN(passed) ? 0 : passed;
  console.log(`\n${ok} passed, ${failed} failed`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
