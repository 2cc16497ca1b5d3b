// A kill test at a large state, run by hand (too heavy for the suite):
//   flock /tmp/bench.lock node dist/bench/state-kill.js      (STATE_KILL_KEYS=10000000 by default)
// It writes JSON-lines files of ids (one in ten repeats an earlier id, often one
// of an earlier file, so lookups reach the store behind the filters), runs a
// dedup stream over them with `--state`, one invocation per run, and kills the
// interpreter with SIGKILL several times: at a commit step chosen at random
// (the commit's test hook, PEPPA_COMMIT_CRASH_AFTER: journal written, one output
// appended, two appended, store committed, journal removed) and at a random
// moment of an invocation (a timer). After each kill the next invocation
// recovers. At the end every output must hold exactly the records an
// uninterrupted sequence of runs writes, once each in input order (checked
// line by line against the generator, not against a second run), the store
// must hold exactly the distinct ids and as many runs as committed, and no
// journal or temp file may be left. A kill before the commit point must be
// undone ("an interrupted commit was undone", the outputs truncated back to
// their length before the run) and one after it completed.
//
//   STATE_KILL_KEYS   distinct ids (default 10,000,000)   STATE_KILL_BATCH  batch N (default 500,000)
//   STATE_KILL_KILLS  kills (default 6)                    STATE_KILL_SEED   seed of the random points (default 1)
//   STATE_KILL_DIR    where the files go (default a folder under the temp folder; emptied first)
//   STATE_KILL_SCHEDULE  how each kill is made, e.g. "commit,timer,done": a commit step or "timer"
//                        (a random moment in the last 40% of the previous run's time, where the commit is)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMain, repoRoot } from "./files/repo.js";

const fromSource = import.meta.url.endsWith(".ts");

export interface KillOptions {
  readonly keys: number;
  readonly batch: number;
  readonly kills: number;
  readonly seed: number;
  readonly dir: string;
  /** How each kill is made, in order: a commit step of the hook, or "timer"; by default they alternate, the step at random. */
  readonly schedule?: ReadonlyArray<string>;
  /** Progress lines; silent when absent. */
  readonly log?: (line: string) => void;
}

export interface KillOutcome {
  /** Invocations that completed a run (reruns after a kill included). */
  readonly runs: number;
  readonly kills: ReadonlyArray<{ readonly run: number; readonly at: string; readonly recovery: string }>;
  /** Everything that is not as it must be; empty when the test passed. */
  readonly problems: ReadonlyArray<string>;
  readonly keys: number;
  readonly lines: number;
  readonly stateBytes: number;
}

/** A small deterministic generator (mulberry32), so the same seed gives the same files and kills. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Line i of the input: one in ten repeats the id of an earlier line (found by a hash of i), the others are new. */
const isRepeat = (i: number): boolean => i % 10 === 9;
function idOf(i: number): string {
  while (isRepeat(i)) i = (Math.imul(i, 2654435761) >>> 0) % i;
  return `k${i}`;
}
const lineOf = (i: number): string => `{"id":"${idOf(i)}","n":${i}}`;

const FILES = 10;

/** The input files: lines 0 .. lines-1 in FILES files, names in order. */
function writeInput(dir: string, lines: number): void {
  fs.mkdirSync(path.join(dir, "in"), { recursive: true });
  const per = Math.ceil(lines / FILES);
  for (let f = 0; f < FILES; f++) {
    const fd = fs.openSync(path.join(dir, "in", `part-${String(f).padStart(2, "0")}.jsonl`), "w");
    let buf: string[] = [];
    for (let i = f * per; i < Math.min(lines, (f + 1) * per); i++) {
      buf.push(lineOf(i));
      if (buf.length === 10000) {
        fs.writeSync(fd, buf.join("\n") + "\n");
        buf = [];
      }
    }
    if (buf.length) fs.writeSync(fd, buf.join("\n") + "\n");
    fs.closeSync(fd);
  }
}

// Three outputs, so that a kill can fall between them: the unique ids as JSON lines and
// as CSV, and one line per run in an audit of the run's count.
const STREAM = `stream kill_test

source ids from jsonl "in/*.jsonl" batch BATCH {
  id string
  n  int
}
dedup unique from ids by id within 30d
sink lines from unique to jsonl "out/unique.jsonl"
sink table from unique to csv "out/unique.csv"
`;

interface Invocation {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function interpreterArgv(root: string): string[] {
  return fromSource ? [process.execPath, "--import", "tsx", path.join(root, "src", "cli", "main.ts")] : [process.execPath, path.join(root, "dist", "src", "cli", "main.js")];
}

/** One invocation; killed with SIGKILL after `killAfterMs` when given (a timer), or by the commit hook named in `crash`. */
function invoke(root: string, args: ReadonlyArray<string>, options: { crash?: string; killAfterMs?: number }): Promise<Invocation> {
  const [cmd, ...pre] = interpreterArgv(root);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["PEPPA_COMMIT_CRASH_AFTER"];
  if (options.crash) env["PEPPA_COMMIT_CRASH_AFTER"] = options.crash;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, [...pre, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const timer = options.killAfterMs !== undefined ? setTimeout(() => child.kill("SIGKILL"), options.killAfterMs) : undefined;
    child.on("error", reject);
    child.on("close", (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function stateShow(root: string, stateFile: string): { runs: number; keys: number } {
  const [cmd, ...pre] = interpreterArgv(root);
  const r = spawnSync(cmd!, [...pre, "state", "show", stateFile, "--json"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`interpret state show failed (exit ${r.status}): ${r.stderr}`);
  const shown = JSON.parse(r.stdout) as { runs: number; dedup: { keys: number }[] };
  return { runs: shown.runs, keys: shown.dedup.reduce((n, d) => n + d.keys, 0) };
}

/** Compares a file, line by line, with the lines the generator says it must hold (streamed: the files are large). */
function checkLines(file: string, expected: Iterable<string>, problems: string[]): number {
  const want = expected[Symbol.iterator]();
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 22);
  let rest = "";
  let line = 0;
  const one = (got: string): boolean => {
    line++;
    const w = want.next();
    if (w.done) problems.push(`${path.basename(file)} line ${line}: ${JSON.stringify(got.slice(0, 80))}, but it must end before it`);
    else if (w.value !== got) problems.push(`${path.basename(file)} line ${line}: ${JSON.stringify(got.slice(0, 80))}, expected ${JSON.stringify(w.value)}`);
    else return true;
    return false;
  };
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      const parts = (rest + buf.toString("utf8", 0, n)).split("\n");
      rest = parts.pop()!;
      for (const p of parts) if (!one(p)) return line;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rest !== "") problems.push(`${path.basename(file)} ends in an unfinished line ${JSON.stringify(rest.slice(0, 80))}`);
  const more = want.next();
  if (!more.done) problems.push(`${path.basename(file)} has ${line} lines, but line ${line + 1} must be ${JSON.stringify(more.value)}`);
  return line;
}

function* uniqueLines(lines: number, csv: boolean): Generator<string> {
  if (csv) yield "id,n";
  for (let i = 0; i < lines; i++) if (!isRepeat(i)) yield csv ? `k${i},${i}` : lineOf(i);
}

const sizeOf = (p: string): number => {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  return st.isDirectory() ? fs.readdirSync(p).reduce((n, e) => n + sizeOf(path.join(p, e)), 0) : st.size;
};

const CRASH_POINTS = ["prepare", "temp-0", "temp-1", "commit", "done"] as const;

export async function killTest(o: KillOptions): Promise<KillOutcome> {
  const log = o.log ?? (() => undefined);
  const root = repoRoot();
  fs.rmSync(o.dir, { recursive: true, force: true });
  fs.mkdirSync(o.dir, { recursive: true });
  const lines = Math.ceil((o.keys * 10) / 9);
  const t0 = performance.now();
  writeInput(o.dir, lines);
  // Every tenth line repeats: the distinct ids are the others.
  const distinct = lines - Math.floor((lines + 1) / 10);
  log(`${lines.toLocaleString("en-US")} lines, ${distinct.toLocaleString("en-US")} distinct ids in ${FILES} files (${((performance.now() - t0) / 1000).toFixed(1)} s), batch ${o.batch.toLocaleString("en-US")}`);
  const streamFile = path.join(o.dir, "kill.stream");
  fs.writeFileSync(streamFile, STREAM.replace("BATCH", String(o.batch)));
  const stateFile = path.join(o.dir, "kill.state");
  const out = path.join(o.dir, "out-root");
  const expectedRuns = Math.ceil(lines / o.batch);
  const rnd = random(o.seed);
  // The runs to kill in, spread over the second half (the larger states), and how.
  const killRuns = new Set<number>();
  const span = Math.min(expectedRuns, Math.max(o.kills, Math.ceil(expectedRuns / 2)));
  while (killRuns.size < Math.min(o.kills, expectedRuns)) killRuns.add(expectedRuns - Math.floor(rnd() * span));
  const problems: string[] = [];
  const kills: Array<{ run: number; at: string; recovery: string }> = [];
  let committed = 0;
  let invocations = 0;
  let lastMs = 0;
  let killIndex = 0;
  let pendingKill: { run: number; at: string; storeRunAfter: number } | undefined;
  for (let i = 0; i < expectedRuns + o.kills * 2 + 3; i++) {
    const now = new Date(Date.parse("2026-11-01T00:00:00Z") + i * 3_600_000).toISOString();
    const args = [streamFile, "--out", out, "--state", stateFile, "--runs", "1", "--now", now, "--json"];
    const run = committed + 1;
    if (killRuns.has(run) && !pendingKill) {
      killRuns.delete(run);
      // Alternate: a commit step chosen at random, then a random moment of the invocation.
      const planned = o.schedule?.[killIndex];
      const byHook = planned !== undefined ? planned !== "timer" : killIndex % 2 === 0;
      killIndex++;
      const crash = byHook ? (planned ?? CRASH_POINTS[Math.floor(rnd() * CRASH_POINTS.length)]!) : undefined;
      const killAfterMs = byHook ? undefined : Math.floor(lastMs * (0.6 + 0.45 * rnd()));
      const k = await invoke(root, args, { ...(crash ? { crash } : {}), ...(killAfterMs !== undefined ? { killAfterMs } : {}) });
      invocations++;
      const at = crash ? `commit step \`${crash}\`` : `${killAfterMs} ms after start`;
      if (k.signal !== "SIGKILL") {
        // A timer later than the invocation: it finished; count it as a run.
        if (k.status !== 0) problems.push(`run ${run}: the invocation to be killed at ${at} failed (exit ${k.status}): ${k.stderr.trim()}`);
        else {
          committed++;
          kills.push({ run, at, recovery: "not killed: the run finished first" });
        }
        continue;
      }
      const held = stateShow(root, stateFile).runs;
      if (held !== committed && held !== committed + 1) problems.push(`after the kill in run ${run} the store holds run ${held}`);
      if (crash === "commit" || crash === "done") {
        if (held !== committed + 1) problems.push(`killed at ${crash}, after the commit point, the store must hold run ${run}; it holds ${held}`);
      } else if (crash && held !== committed) problems.push(`killed at ${crash}, before the commit point, the store must still hold run ${committed}; it holds ${held}`);
      pendingKill = { run, at, storeRunAfter: held };
      committed = held;
      log(`  run ${run}: killed at ${at}; the store holds run ${held}`);
      continue;
    }
    const m = await invoke(root, args, {});
    invocations++;
    if (m.status !== 0) {
      problems.push(`run ${run} failed (exit ${m.status ?? m.signal}): ${m.stderr.trim()}`);
      break;
    }
    const report = JSON.parse(m.stdout) as { balance: { read: number }; lastRun: number };
    if (pendingKill) {
      const said = /an interrupted commit was (completed|undone)/.exec(m.stderr)?.[0];
      // A kill by the timer may fall before any commit began: then there is nothing to recover.
      const recovery = said ?? "nothing to recover";
      if (pendingKill.at.startsWith("commit step")) {
        const want = pendingKill.at.includes("`commit`") ? "an interrupted commit was completed" : pendingKill.at.includes("`done`") ? "nothing to recover" : "an interrupted commit was undone";
        if (recovery !== want) problems.push(`the invocation after the kill in run ${pendingKill.run} at ${pendingKill.at} said "${recovery}", expected "${want}"`);
      }
      kills.push({ run: pendingKill.run, at: pendingKill.at, recovery });
      pendingKill = undefined;
    }
    committed = report.lastRun; // an invocation with nothing left to read commits an empty run too
    if (report.balance.read === 0) break;
    lastMs = m.ms;
    log(`  run ${report.lastRun}: ${report.balance.read.toLocaleString("en-US")} lines, ${(m.ms / 1000).toFixed(1)} s, state ${(sizeOf(stateFile) / 1048576).toFixed(0)} MB`);
  }
  // Exactly what an uninterrupted sequence writes.
  const jsonl = path.join(out, "out", "unique.jsonl");
  const csv = path.join(out, "out", "unique.csv");
  for (const f of [jsonl, csv]) if (!fs.existsSync(f)) problems.push(`${path.basename(f)} was not written`);
  if (problems.length === 0) {
    checkLines(jsonl, uniqueLines(lines, false), problems);
    checkLines(csv, uniqueLines(lines, true), problems);
  }
  const shown = stateShow(root, stateFile);
  if (shown.keys !== distinct) problems.push(`the store holds ${shown.keys} ids, expected ${distinct}`);
  if (shown.runs !== committed) problems.push(`the store holds ${shown.runs} runs, expected ${committed}`);
  const left = [...fs.readdirSync(o.dir), ...fs.readdirSync(path.join(out, "out"))].filter((f) => f.includes(".journal") || f.includes(".tmp") || f.includes(".new-"));
  if (left.length) problems.push(`left behind: ${left.join(", ")}`);
  return { runs: committed, kills, problems, keys: shown.keys, lines, stateBytes: sizeOf(stateFile) };
}

const whole = (name: string, fallback: number): number => {
  const v = process.env[name];
  const n = v === undefined || v === "" ? fallback : Number(v.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
};

if (isMain(import.meta.url)) {
  const keys = whole("STATE_KILL_KEYS", 10_000_000);
  const options: KillOptions = {
    keys,
    batch: whole("STATE_KILL_BATCH", 500_000),
    kills: whole("STATE_KILL_KILLS", 6),
    seed: whole("STATE_KILL_SEED", 1),
    dir: path.resolve(process.env["STATE_KILL_DIR"] ?? path.join(os.tmpdir(), `peppa-state-kill-${keys}`)),
    log: (l) => console.log(l),
    ...(process.env["STATE_KILL_SCHEDULE"] ? { schedule: process.env["STATE_KILL_SCHEDULE"].split(",") } : {}),
  };
  if (fromSource) console.log(`(from source: every invocation compiles TypeScript first; ${path.relative(process.cwd(), fileURLToPath(import.meta.url))} built is faster)`);
  const started = performance.now();
  const r = await killTest(options);
  console.log(`${r.runs} runs committed, ${r.kills.length} kills, ${((performance.now() - started) / 1000).toFixed(0)} s; the store: ${r.keys.toLocaleString("en-US")} ids, ${(r.stateBytes / 1048576).toFixed(0)} MB`);
  for (const k of r.kills) console.log(`  run ${k.run} killed at ${k.at}: ${k.recovery}`);
  if (r.problems.length) {
    console.log(`FAILED:\n${r.problems.map((p) => `  ${p}`).join("\n")}`);
    process.exitCode = 1;
  } else console.log("every output holds each unique id once, in input order; the store holds every id once and the committed runs; nothing left behind: yes");
}
