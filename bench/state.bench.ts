// The long-lived state bench: a daily job's life with `--state`, run by hand as
//   flock /tmp/bench.lock npx tsx bench/state.bench.ts      (or the built dist/bench/state.bench.js)
// It generates peppa-files-shaped exports (bench/files/generate-files.ts), runs
// streams/peppa-files.stream with `batch N` on Core and CPQ's batch in proportion (both end together), one invocation per
// run (`--runs 1 --state FILE`), the clock one hour later each run so that no
// dedup key expires within 30d (every key stays remembered), until every file is
// read, and prints: the first 10 and last 10 runs' times (the report's, and the
// whole invocation's), the peak RSS of any invocation, and per commit the bytes
// written to disk (GNU time's file system outputs) beside the bytes appended to
// the outputs. It checks that the runs together read every generated line once,
// that every output holds exactly the records the reports say were written, and
// that the store remembers exactly the keys the dedup steps let through.
//
// With BENCH_KILL=1 it also kills two invocations near the end, at the largest
// state (one before the commit point, `temp-2`, one after it, `commit`), and lets
// the next invocation recover; the same checks then show that nothing was lost
// or written twice.
//
//   BENCH_EVENTS  event lines (default 10,000,000)   BENCH_BATCH  batch N (default 100,000)
//   BENCH_FILES   files per source (default 10)      BENCH_DIR    where the data goes
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateFiles, optionsFromEnv } from "./files/generate-files.js";
import { repoRoot } from "./files/repo.js";
import { writeStreamFile } from "./files/stream-file.js";

const env = process.env;
const root = repoRoot();
const fromSource = import.meta.url.endsWith(".ts");
const node = fromSource ? [process.execPath, "--import", "tsx"] : [process.execPath];
const cli = fromSource ? path.join(root, "src", "cli", "main.ts") : path.join(root, "dist", "src", "cli", "main.js");
const TIME = "/usr/bin/time";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number | undefined): string => (bytes === undefined ? "n/a" : `${(bytes / 1048576).toFixed(1)} MB`);
const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const whole = (name: string, fallback: number): number => {
  const v = env[name];
  const n = v === undefined || v === "" ? fallback : Number(v.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
  return n;
};
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

interface Measured {
  readonly ms: number;
  readonly rss?: number;
  /** Bytes written to storage by the process (GNU time's file system outputs, 512-byte blocks). */
  readonly written?: number;
  /** User + system CPU seconds of the process (GNU time), steadier than wall time on a shared machine. */
  readonly cpu?: number;
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function measured(argv: ReadonlyArray<string>, extraEnv: NodeJS.ProcessEnv = {}): Measured {
  const timeFile = path.join(os.tmpdir(), `peppa-state-bench-${process.pid}.txt`);
  const withTime = fs.existsSync(TIME);
  const [cmd, ...args] = withTime ? [TIME, "-v", "-o", timeFile, ...argv] : argv;
  const started = performance.now();
  const r = spawnSync(cmd!, args, { cwd: root, env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (r.error) fail(`cannot start ${argv.join(" ")}: ${r.error.message}`);
  let rss: number | undefined;
  let written: number | undefined;
  let cpu: number | undefined;
  if (withTime && fs.existsSync(timeFile)) {
    const text = fs.readFileSync(timeFile, "utf8");
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    const o = /File system outputs: (\d+)/.exec(text);
    if (m) rss = Number(m[1]) * 1024;
    if (o) written = Number(o[1]) * 512;
    const u = /User time \(seconds\): ([\d.]+)/.exec(text);
    const k = /System time \(seconds\): ([\d.]+)/.exec(text);
    if (u && k) cpu = Number(u[1]) + Number(k[1]);
    fs.rmSync(timeFile, { force: true });
  }
  return { ms, ...(rss !== undefined ? { rss } : {}), ...(written !== undefined ? { written } : {}), ...(cpu !== undefined ? { cpu } : {}), status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  lastRun: number;
  seconds: number;
  balanced: boolean;
  balance: { read: number };
  steps: { step: string; kind: string; out: Record<string, number> }[];
  written: { path: string; records: number }[];
}

interface Run {
  readonly run: number;
  readonly seconds: number;
  readonly ms: number;
  readonly rss?: number;
  readonly written?: number;
  readonly cpu?: number;
  readonly appended: number;
  /** Lines the run read: later runs may read fewer (a source whose files are all read). */
  readonly read: number;
}

const sizeOf = (p: string): number => {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  return st.isDirectory() ? fs.readdirSync(p).reduce((n, e) => n + sizeOf(path.join(p, e)), 0) : st.size;
};
const lineCount = (file: string): number => {
  if (!fs.existsSync(file)) return 0;
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  for (let got; (got = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) for (let i = 0; i < got; i++) if (buf[i] === 10) n++;
  fs.closeSync(fd);
  return n;
};

/** The runs and the dedup keys a store holds, from `interpret state show --json`. */
function rememberedKeysAndRuns(stateFile: string): { runs: number; keys: number } {
  if (!fs.existsSync(stateFile)) return { runs: 0, keys: 0 };
  const m = measured([...node, cli, "state", "show", stateFile, "--json"]);
  if (m.status !== 0) fail(`interpret state show failed: ${m.stderr}`);
  const shown = JSON.parse(m.stdout) as { runs: number; dedup: { keys: number }[] };
  return { runs: shown.runs, keys: shown.dedup.reduce((n, d) => n + d.keys, 0) };
}
const rememberedKeys = (stateFile: string): number => rememberedKeysAndRuns(stateFile).keys;

function main(): void {
  const options = { ...optionsFromEnv(env, false), events: whole("BENCH_EVENTS", 10_000_000), files: whole("BENCH_FILES", 10) };
  const batch = whole("BENCH_BATCH", 100_000);
  const kill = env["BENCH_KILL"] === "1";
  const dir = path.resolve(env["BENCH_DIR"] ?? path.join(os.tmpdir(), `peppa-bench-state-${options.events}-${options.files}-${options.seed}`));
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const g = generateFiles(dir, options);
  const generated = g.coreLines + g.cpqLines;
  // Core's `batch N`, and CPQ's in proportion to its lines, so that both sources end in the same run
  // and every run reads the same mix (a Core line costs several CPQ lines): runs compare like for like.
  const cpqBatch = Math.max(1, Math.round((batch * g.cpqLines) / Math.max(1, g.coreLines)));
  console.log(`${int(generated)} event lines in ${g.coreFiles.length} files per source (${g.reused ? "reused" : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`}), batch ${int(batch)} (Core) and ${int(cpqBatch)} (CPQ), --now ${g.now} + 1h per run`);
  if (fromSource) console.log("(from source: every invocation compiles TypeScript first; the built dist/bench/state.bench.js measures the built code)");
  const stream = writeStreamFile(path.join(dir, `peppa-files-batch-${batch}.stream`), g.dataDir, { batch: { core: batch, cpq: cpqBatch } });
  const stateDir = path.join(dir, "state");
  const out = path.join(dir, "out-state");
  for (const d of [stateDir, out]) fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const stateFile = path.join(stateDir, "peppa-files.state");
  const expected = Math.max(Math.ceil(g.coreLines / batch), Math.ceil(g.cpqLines / cpqBatch));
  const bound = expected + g.coreFiles.length + 5;
  // Killed near the end: at the run that is about 90% through the expected runs.
  const killAt = kill ? Math.max(2, Math.floor(expected * 0.9)) : -1;

  const runs: Run[] = [];
  const recordsWritten = new Map<string, number>();
  let read = 0;
  let kept = 0;
  let balanced = true;
  let lostRuns = 0;
  const kills: string[] = [];
  const started = performance.now();
  for (let i = 0; ; i++) {
    if (i > bound + 4) fail(`still reading after ${bound} runs: ${int(read)} of ${int(generated)} lines read`);
    const now = new Date(Date.parse(g.now) + i * 3_600_000).toISOString();
    const argv = [...node, cli, stream, "--out", out, "--state", stateFile, "--runs", "1", "--now", now, "--json"];
    if (runs.length + 1 === killAt || runs.length + 1 === killAt + 1) {
      const at = runs.length + 1 === killAt ? "temp-2" : "commit";
      // Before a kill after the commit point: what the files and the store hold, since its report is lost with it.
      const linesBefore = new Map([...recordsWritten.keys()].map((f) => [f, lineCount(f)]));
      const keysBefore = rememberedKeys(stateFile);
      const k = measured(argv, { PEPPA_COMMIT_CRASH_AFTER: at });
      // Under GNU time the child's SIGKILL shows as exit status 137 (128 + 9).
      if (k.signal !== "SIGKILL" && k.status !== 137) fail(`the invocation to be killed at ${at} was not killed (exit ${k.status}): ${k.stderr}`);
      if (at === "commit") {
        const { runs: held, keys } = rememberedKeysAndRuns(stateFile);
        if (held !== runs.length + 1) fail(`after a kill at the commit point the store holds run ${held}, expected ${runs.length + 1}`);
        for (const [f, n] of linesBefore) recordsWritten.set(f, recordsWritten.get(f)! + lineCount(f) - n);
        kept += keys - keysBefore;
        lostRuns++;
        runs.push({ run: held, seconds: NaN, ms: NaN, appended: 0, read: NaN });
        kills.push(`run ${held} killed at commit (after the commit point): the store holds it, ${int(keys - keysBefore)} keys; its records are counted from the files`);
        continue;
      }
      kills.push(`run ${runs.length + 1} killed at temp-2 (before the commit point, three outputs appended)`);
    }
    const before = sizeOf(out);
    const m = measured(argv);
    if (m.status !== 0) fail(`run ${runs.length + 1} failed (exit ${m.status ?? m.signal}):\n${m.stderr.trim()}`);
    if (/interrupted commit was (completed|undone)/.test(m.stderr)) kills.push(`  run ${runs.length + 1}: ${/an interrupted commit was (completed|undone)/.exec(m.stderr)![0]}`);
    const report = JSON.parse(m.stdout) as Report;
    if (report.balance.read === 0) break;
    if (!report.balanced) balanced = false;
    read += report.balance.read;
    for (const s of report.steps) if (s.kind === "dedup") kept += s.out["main"] ?? 0;
    for (const w of report.written) recordsWritten.set(path.resolve(root, w.path), (recordsWritten.get(path.resolve(root, w.path)) ?? 0) + w.records);
    runs.push({ run: report.lastRun, seconds: report.seconds, ms: m.ms, ...(m.rss !== undefined ? { rss: m.rss } : {}), ...(m.written !== undefined ? { written: m.written } : {}), ...(m.cpu !== undefined ? { cpu: m.cpu } : {}), appended: sizeOf(out) - before, read: report.balance.read });
    {
      const r = runs[runs.length - 1]!;
      console.log(`  run ${r.run}: ${r.seconds.toFixed(2)} s in the report for ${int(r.read)} lines, ${(r.ms / 1000).toFixed(2)} s the invocation (CPU ${r.cpu?.toFixed(2) ?? "n/a"} s), peak RSS ${mb(r.rss)}, written ${mb(r.written)} (outputs +${mb(r.appended)}), state ${mb(sizeOf(stateDir))}, load ${os.loadavg()[0]!.toFixed(1)}`);
    }
  }
  const total = (performance.now() - started) / 1000;
  // A last run that reads what is left over (fewer than half the lines of the first) is no run of the
  // job's size: it is listed above but left out of the comparison.
  const full = runs[0]?.read ?? 0;
  const timed = runs.filter((r) => Number.isFinite(r.seconds) && r.read * 2 >= full);
  if (timed.length < runs.length) console.log(`(${runs.length - timed.length} run(s) reading fewer than ${int(full / 2)} lines left out of the comparison below)`);
  const first = timed.slice(0, 10);
  const last = timed.slice(-10);
  const list = (rs: Run[]): string => rs.map((r) => r.seconds.toFixed(2)).join(" ");
  console.log(`${runs.length} runs, ${int(read)} lines read by the reported runs (${int(generated)} generated), ${total.toFixed(0)} s in all`);
  console.log(`  first 10 runs (report s): ${list(first)}  mean ${mean(first.map((r) => r.seconds)).toFixed(2)} s, invocation ${(mean(first.map((r) => r.ms)) / 1000).toFixed(2)} s`);
  console.log(`  last 10 runs (report s):  ${list(last)}  mean ${mean(last.map((r) => r.seconds)).toFixed(2)} s, invocation ${(mean(last.map((r) => r.ms)) / 1000).toFixed(2)} s`);
  const growth = mean(last.map((r) => r.seconds)) / mean(first.map((r) => r.seconds));
  const invGrowth = mean(last.map((r) => r.ms)) / mean(first.map((r) => r.ms));
  console.log(`  last 10 / first 10: ${growth.toFixed(2)}× in the report's time, ${invGrowth.toFixed(2)}× per invocation (target <= 1.2×)${Math.max(growth, invGrowth) <= 1.2 ? "" : " - MISSED"}`);
  const perLine = (rs: Run[]): number => (rs.reduce((n, r) => n + r.seconds, 0) / rs.reduce((n, r) => n + r.read, 0)) * 1e6;
  console.log(`  report time per line read: first 10 ${perLine(first).toFixed(1)} µs, last 10 ${perLine(last).toFixed(1)} µs, ${(perLine(last) / perLine(first)).toFixed(2)}×`);
  const c = timed.filter((r) => r.cpu !== undefined);
  if (c.length) {
    const cpuGrowth = mean(c.slice(-10).map((r) => r.cpu!)) / mean(c.slice(0, 10).map((r) => r.cpu!));
    console.log(`  CPU per invocation: first 10 mean ${mean(c.slice(0, 10).map((r) => r.cpu!)).toFixed(2)} s, last 10 ${mean(c.slice(-10).map((r) => r.cpu!)).toFixed(2)} s, ${cpuGrowth.toFixed(2)}× (the load average moves wall times; CPU time less)`);
  }
  const peak = timed.reduce<number | undefined>((p, r) => (r.rss === undefined ? p : Math.max(p ?? 0, r.rss)), undefined);
  console.log(`  peak RSS of an invocation: ${mb(peak)} (target < 600 MB)${peak !== undefined && peak >= 600 * 1048576 ? " - MISSED" : ""}`);
  const w = timed.filter((r) => r.written !== undefined);
  if (w.length) {
    console.log(
      `  written to disk per commit (median): first 10 ${mb(median(w.slice(0, 10).map((r) => r.written!)))}, last 10 ${mb(median(w.slice(-10).map((r) => r.written!)))}; ` +
        `of which outputs appended: ${mb(median(w.slice(0, 10).map((r) => r.appended)))}, ${mb(median(w.slice(-10).map((r) => r.appended)))}`,
    );
  }
  const shown = rememberedKeysAndRuns(stateFile);
  const remembered = shown.keys;
  console.log(`  state: ${mb(sizeOf(stateDir))}, ${int(remembered)} dedup keys remembered after run ${shown.runs}; outputs ${mb(sizeOf(out))}`);
  for (const k of kills) console.log(`  ${k}`);
  // What every output holds against what the reports say was written to it.
  let consistent = true;
  // A run killed after its commit point lost its report: the lines it read are the ones no report counts.
  const unreported = generated - read;
  if (lostRuns === 0 ? unreported !== 0 : unreported <= 0 || unreported > 2 * (batch + cpqBatch) * lostRuns) {
    console.log(`  MISMATCH: the reports read ${int(read)} of ${int(generated)} lines`);
    consistent = false;
  }
  if (remembered !== kept) {
    console.log(`  MISMATCH: the store remembers ${int(remembered)} keys, the dedup steps let ${int(kept)} through`);
    consistent = false;
  }
  for (const [file, records] of recordsWritten) {
    const all = lineCount(file);
    const lines = all - (file.endsWith(".csv") && all > 0 ? 1 : 0);
    if (lines !== records) {
      console.log(`  MISMATCH: ${file} has ${int(lines)} records, the reports wrote ${int(records)}`);
      consistent = false;
    }
  }
  console.log(`  every line read once, outputs and keys as reported: ${consistent ? "yes" : "NO"}; balance held: ${balanced ? "yes" : "NO"}`);
  if (!consistent || !balanced) process.exitCode = 1;
}

main();
