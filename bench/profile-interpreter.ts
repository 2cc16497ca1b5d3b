// Runs only the interpreter on the bench's events, for a CPU profile:
// node --cpu-prof dist/bench/profile-interpreter.js
// BENCH_PROGRAM=hand profiles the hand-written program on the same events instead,
// so the two profiles can be put side by side.
import fs from "node:fs";
import path from "node:path";
import { compile, createRunner } from "../src/index.js";
import { generate, loadTables } from "./generate.js";
import { HandwrittenPeppa } from "./handwritten.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const text = fs.readFileSync(path.join(root, "streams/peppa.stream"), "utf8");
const compiled = compile(text, { filename: "peppa.stream" });
if (compiled._tag === "Left") throw new Error("peppa.stream does not compile");
const tables = loadTables(path.join(root, "streams/data"));
const batches = generate(tables, Number(process.env["BENCH_EVENTS"] ?? 1_000_000), Number(process.env["BENCH_RUNS"] ?? 10));
// As the bench does: every string is hashed once before anything is measured.
const touched = new Set<unknown>();
for (const b of batches) for (const r of [...b.core, ...b.cpq]) for (const v of Object.values(r)) if (typeof v === "string") touched.add(v);
touched.clear();
const hand = process.env["BENCH_PROGRAM"] === "hand";
const runner = hand ? undefined : createRunner(compiled.right, { tables: { ...tables } });
const program = hand ? new HandwrittenPeppa(tables) : undefined;
const started = performance.now();
for (const [i, b] of batches.entries()) {
  const final = i === batches.length - 1;
  if (runner) runner.run({ sources: { core: b.core, cpq: b.cpq }, now: b.now, final });
  else program!.run(b.core, b.cpq, b.now, final);
}
console.log(`${hand ? "hand-written" : "interpreter"}: ${(performance.now() - started).toFixed(0)} ms`);
