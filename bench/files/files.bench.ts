// `npm run bench:files`: the interpreter file to file, as the command a user runs
// (`node dist/src/cli/main.js STREAM --out DIR --now T`), against the same
// pipeline written by hand (handwritten-files.ts) and as DuckDB SQL
// (duckdb-files.ts), each a child process over the same generated files. Every
// repeat's outputs are compared with the interpreter's (compare-outputs.ts).
//
//   BENCH_MODE     files (default) | cardinality | state (runs bench/state.bench.ts, with its own options)
//   BENCH_EVENTS   event lines in all files (default 1,000,000)
//   BENCH_FILES    files per source (default 10; cardinality: 1, so every session is open at once)
//   BENCH_REPEATS  measurements of each program, in alternating order (default 5)
//   BENCH_DIR      where the data is generated (default a folder per size under the temp folder;
//                  reused while its manifest names the same options and generator)
//   BENCH_DUCKDB=0 leaves DuckDB out
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { canMeasureRss, runMeasured, type Measured } from "./child.js";
import { compareOutputs, describeComparison } from "./compare-outputs.js";
import { generateFiles, optionsFromEnv, type FilesOptions, type Generated } from "./generate-files.js";
import { repoRoot } from "./repo.js";
import { writeStreamFile } from "./stream-file.js";

type Mode = "files" | "cardinality" | "state";
type Program = "interpreter" | "hand-written" | "duckdb";

const env = process.env;
const here = path.dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith(".ts");
const root = repoRoot();
/** node, and tsx when the bench itself runs from source. */
const node = fromSource ? [process.execPath, "--import", "tsx"] : [process.execPath];
const script = (name: string): string => path.join(here, `${name}.${fromSource ? "ts" : "js"}`);
const cli = fromSource ? path.join(root, "src", "cli", "main.ts") : path.join(root, "dist", "src", "cli", "main.js");

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number | undefined): string =>
  bytes === undefined ? "n/a" : bytes < 1048576 ? `${int(bytes / 1024)} KB` : `${int(bytes / 1048576)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const whole = (name: string, fallback: number): number => {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
  return n;
};

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function prepare(mode: Mode): { g: Generated; dir: string } {
  const defaults = optionsFromEnv(env, mode === "cardinality");
  const options: FilesOptions = {
    ...defaults,
    events: whole("BENCH_EVENTS", 1_000_000),
    files: whole("BENCH_FILES", mode === "cardinality" ? 1 : 10),
  };
  const dir = path.resolve(env["BENCH_DIR"] ?? path.join(os.tmpdir(), `peppa-bench-${options.cardinality ? "cardinality" : "files"}-${options.events}-${options.files}-${options.seed}`));
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const g = generateFiles(dir, options);
  const took = performance.now() - t0;
  console.log(
    `${int(g.coreLines + g.cpqLines)} event lines (${int(g.coreLines)} Core JSONL, ${int(g.cpqLines)} CPQ CSV) in ${g.coreFiles.length} file${g.coreFiles.length === 1 ? "" : "s"} per source, ` +
      `${int(g.accounts)} CRM accounts, --now ${g.now}\n  in ${g.dataDir} (${g.reused ? "reused" : `generated in ${secs(took)}`})`,
  );
  if (fromSource) console.log("(running from source: every child compiles TypeScript first; `npm run bench:files` measures the built code)");
  if (!canMeasureRss) console.log("(no /usr/bin/time here: peak RSS is not measured)");
  // Read every file once, so the first program measured does not pay for a cold page cache.
  for (const f of [...g.coreFiles, ...g.cpqFiles]) {
    const fd = fs.openSync(f, "r");
    const buf = Buffer.allocUnsafe(1 << 20);
    while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    fs.closeSync(fd);
  }
  return { g, dir };
}

async function duckdbMissing(): Promise<string | undefined> {
  if (env["BENCH_DUCKDB"] === "0") return "BENCH_DUCKDB=0";
  try {
    await import("@duckdb/node-api");
    return undefined;
  } catch (e) {
    return `@duckdb/node-api cannot be loaded: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function check(program: string, m: Measured): void {
  if (m.status !== 0) fail(`${program} failed (exit ${m.status ?? m.signal}):\n${m.stderr.trim()}`);
}

async function compareRuns(mode: "files" | "cardinality"): Promise<void> {
  const { g, dir } = prepare(mode);
  const events = g.coreLines + g.cpqLines;
  const stream = writeStreamFile(path.join(dir, "peppa-files.stream"), g.dataDir);
  const missing = await duckdbMissing();
  if (missing) console.log(`DuckDB left out: ${missing}`);
  const programs: Program[] = missing ? ["interpreter", "hand-written"] : ["interpreter", "hand-written", "duckdb"];
  const outOf = (p: Program): string => path.join(dir, `out-${p}`);
  const argv = (p: Program): string[] => {
    const out = outOf(p);
    if (p === "interpreter") return [...node, cli, stream, "--out", out, "--now", g.now, "--json"];
    return [...node, script(p === "duckdb" ? "duckdb-files" : "handwritten-files"), "--data", g.dataDir, "--out", out, "--now", g.now];
  };
  const repeats = whole("BENCH_REPEATS", 5);
  const times = new Map<Program, number[]>(programs.map((p) => [p, []]));
  const cpus = new Map<Program, number[]>(programs.map((p) => [p, []]));
  const peaks = new Map<Program, number | undefined>(programs.map((p) => [p, undefined]));
  let equal = true;
  let balanced = true;
  let counts = "";
  for (let r = 0; r < repeats; r++) {
    // Alternating order, so no program always runs first (or on the others' leftover page cache).
    const order = r % 2 === 0 ? programs : [...programs].reverse();
    const line: string[] = [];
    for (const p of order) {
      fs.rmSync(outOf(p), { recursive: true, force: true });
      const m = runMeasured(argv(p), root);
      check(p, m);
      if (p === "interpreter") {
        const report = JSON.parse(m.stdout) as { balanced?: boolean };
        if (report.balanced !== true) balanced = false;
      }
      times.get(p)!.push(m.ms);
      if (m.cpu !== undefined) cpus.get(p)!.push(m.cpu * 1000);
      if (m.rss !== undefined) peaks.set(p, Math.max(peaks.get(p) ?? 0, m.rss));
    }
    for (const p of programs) {
      const cpu = cpus.get(p)![r];
      line.push(`${p} ${secs(times.get(p)![r]!)}${cpu === undefined ? "" : ` (CPU ${secs(cpu)})`}`);
    }
    const agree: string[] = [];
    for (const p of programs.filter((q) => q !== "interpreter")) {
      const c = compareOutputs(path.join(outOf("interpreter"), "out"), path.join(outOf(p), "out"), ["the interpreter", p]);
      agree.push(`${p} ${c.equal ? "equal" : "DIFFERENT"}${c.equal && c.files.every((f) => f.identical) ? " (byte-identical)" : ""}`);
      if (!c.equal) {
        equal = false;
        console.error(`repeat ${r + 1}: the outputs of ${p} differ from the interpreter's:\n${describeComparison(c)}`);
      }
      counts = c.files.map((f) => `${f.file} ${int(f.records[0])}`).join(", ");
    }
    console.log(`  repeat ${r + 1}: ${line.join(", ")}; outputs: ${agree.join(", ") || "(nothing to compare)"}`);
  }
  console.log(`outputs of the interpreter: ${counts}`);
  console.log(`outputs equal on every repeat: ${equal ? "yes" : "NO"}; balance held: ${balanced ? "yes" : "NO"}`);
  console.log(`medians of ${repeats} repeat${repeats === 1 ? "" : "s"} (wall time of the process, start to exit; CPU time, user + system, all threads):`);
  const med = new Map(programs.map((p) => [p, median(times.get(p)!)]));
  const medCpu = new Map(programs.filter((p) => cpus.get(p)!.length > 0).map((p) => [p, median(cpus.get(p)!)]));
  for (const p of programs) {
    const cpu = medCpu.get(p);
    console.log(`  ${p.padEnd(12)} ${secs(med.get(p)!).padStart(9)}  ${int((events / med.get(p)!) * 1000).padStart(10)} records/s  ${cpu === undefined ? "" : `CPU ${secs(cpu).padStart(9)}  `}peak RSS ${mb(peaks.get(p))}`);
  }
  const ratio = (p: Program): number => med.get("interpreter")! / med.get(p)!;
  const timeTarget = mode === "files" ? 1.3 : 1.5;
  console.log(`interpreter / hand-written: ${ratio("hand-written").toFixed(2)}× in time (target <= ${timeTarget}×)${ratio("hand-written") <= timeTarget ? "" : " - MISSED"}`);
  const ic = medCpu.get("interpreter");
  const hc = medCpu.get("hand-written");
  // DuckDB's CPU time counts its worker threads, so only the hand-written program's is a like-for-like CPU figure.
  if (ic !== undefined && hc !== undefined) console.log(`interpreter / hand-written: ${(ic / hc).toFixed(2)}× in CPU time`);
  const ip = peaks.get("interpreter");
  const hp = peaks.get("hand-written");
  if (ip !== undefined && hp !== undefined) {
    const memTarget = mode === "cardinality" ? " (target <= 1.5×)" : "";
    console.log(`interpreter / hand-written: ${(ip / hp).toFixed(2)}× in peak RSS${memTarget}${mode === "cardinality" && ip / hp > 1.5 ? " - MISSED" : ""}`);
  }
  if (med.has("duckdb")) {
    const target = mode === "files" ? " (target < 1×)" : "";
    console.log(`interpreter / DuckDB:       ${ratio("duckdb").toFixed(2)}× in time${target}${mode === "files" && ratio("duckdb") >= 1 ? " - MISSED" : ""}`);
  }
  if (!equal || !balanced) process.exitCode = 1;
}

async function main(): Promise<void> {
  const mode = (env["BENCH_MODE"] ?? "files") as Mode;
  if (mode === "files" || mode === "cardinality") await compareRuns(mode);
  // The long-lived state is one bench, bench/state.bench.ts (it runs when imported), not a second copy here.
  else if (mode === "state") await import("../state.bench.js");
  else fail(`BENCH_MODE must be files, cardinality or state, got ${JSON.stringify(mode)}`);
}

main().catch((e: unknown) => fail(`bench:files: ${e instanceof Error ? e.message : String(e)}`));
