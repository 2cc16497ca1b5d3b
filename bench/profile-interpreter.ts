// Runs only the interpreter on the bench's events, for a CPU profile:
// node --cpu-prof dist/bench/profile-interpreter.js
import fs from "node:fs";
import path from "node:path";
import { compile, createRunner } from "../src/index.js";
import { generate, loadTables } from "./generate.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const text = fs.readFileSync(path.join(root, "streams/peppa.stream"), "utf8");
const compiled = compile(text, { filename: "peppa.stream" });
if (compiled._tag === "Left") throw new Error("peppa.stream does not compile");
const tables = loadTables(path.join(root, "streams/data"));
const batches = generate(tables, Number(process.env["BENCH_EVENTS"] ?? 1_000_000), Number(process.env["BENCH_RUNS"] ?? 10));
const runner = createRunner(compiled.right, { tables: { ...tables } });
const started = performance.now();
for (const b of batches) runner.run({ sources: { core: b.core, cpq: b.cpq }, now: b.now });
console.log(`interpreter: ${(performance.now() - started).toFixed(0)} ms`);
