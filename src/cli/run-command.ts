// `interpret [run] FILE.stream [options]`: runs a stream over its sources,
// writes every sink, the rejects and the audit log, commits each run's outputs
// together with the state file, and prints the report.
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { isLeft, isRight, left, right, type Either } from "fp-ts/lib/Either.js";
import { balanceHolds, prepareRunner, reportHtml, streamGraph, type Plan, type Runner, type State } from "../index.js";
import { commitAppends, commitFiles, describeError, recoverCommit, StoreDamaged, type CommitFile, type StateStore } from "../io/index.js";
import { usageError, withCommand } from "./args.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { RUN } from "./commands.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";
import { loadTables } from "./load-tables.js";
import { BUILTIN_DIR, guardedFiles, loadJsonArrays, outputClashes, outputFiles, planOutputs, reportClash, sinkEncoders, type Output } from "./outputs.js";
import { shownPath } from "./paths.js";
import { runOptions, type RunOptions } from "./run-options.js";
import { csvHeaderHints } from "./csv-hints.js";
import { openFeeds, type Feeds, type Take } from "./source-feed.js";
import { openStateStore, storeDamagedMessage } from "./state-store.js";
import { addRun, balanceLine, newSummary, renderJson, renderText, reportOf, type Summary } from "./summary.js";

type Tables = Awaited<ReturnType<typeof loadTables>> extends Either<unknown, infer T> ? T : never;

/** The journal of an invocation's commits: beside the state file, or in the output folder. */
export const JOURNAL_SUFFIX = ".journal";
export const OUTPUT_JOURNAL = ".interpret-commit.journal";

const fail = (io: CliIO, code: number, lines: ReadonlyArray<string>): number => {
  io.stderr(lines.map((l) => `interpret: ${l}\n`).join(""));
  return code;
};

/** How many runs: `--runs N`, else `trigger count N`, else undefined (until the file sources are exhausted). */
function runCount(options: RunOptions, runner: Runner): Either<string, number | undefined> {
  if (options.runs !== undefined) return right(options.runs);
  const fn = runner.plan.triggerCount;
  if (!fn) return right(undefined);
  const n = runner.constant(fn);
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) return left(`trigger count must be a whole number, 1 or more, got ${String(n)}`);
  return right(n);
}

/** `from nats` sources and `to nats` sinks: only cluster mode runs them (docs/cluster.md). */
export function natsSteps(plan: Plan): string[] {
  const hint = "cluster mode runs it (interpret cluster init|worker …, docs/cluster.md); for one process, read or write a file instead (`from jsonl \"PATH\"`, `to jsonl \"PATH\"`)";
  return plan.steps.flatMap((s) =>
    s.kind === "source" && s.nats
      ? [`source \`${s.name}\` reads the NATS subject "${s.nats.subject}", which a single-process run cannot; hint: ${hint}`]
      : s.kind === "sink" && s.format === "nats"
        ? [`sink \`${s.name}\` publishes to the NATS subject "${s.path}", which a single-process run cannot; hint: ${hint}`]
        : [],
  );
}

/** Why `--out DIR` cannot be the output folder: it, or a folder above it, is a file. */
async function outNotFolder(dir: string): Promise<string | undefined> {
  for (let at = dir, first = true; ; at = path.dirname(at), first = false) {
    try {
      const st = await stat(at);
      if (st.isDirectory()) return undefined;
      return first ? "is a file, not a folder" : `is inside ${at}, which is a file`;
    } catch {
      if (path.dirname(at) === at) return undefined;
    }
  }
}

export const runCommand: Command = (argv, io) =>
  withCommand(RUN, argv, io, async (parsed) => {
    const options = runOptions(parsed);
    if (isLeft(options)) {
      io.stderr(usageError(RUN, options.left));
      return EXIT.usage;
    }
    return runStream(options.right, io);
  });

async function runStream(options: RunOptions, io: CliIO): Promise<number> {
  const stream = await loadStream(io.cwd, options.file);
  if (isLeft(stream)) return fail(io, EXIT.usage, [stream.left]);
  const loaded = stream.right;
  if (loaded.diagnostics.length) io.stderr(renderDiagnostics(loaded, io));
  const plan = loaded.plan;
  if (!plan) return EXIT.streamErrors;
  if (plan.steps.length === 0) {
    return fail(io, EXIT.streamErrors, [`${loaded.display} declares no steps, so there is nothing to run (a stream needs at least a source and a sink; see docs/language.md)`]);
  }

  const nats = natsSteps(plan);
  if (nats.length) return fail(io, EXIT.usage, nats);

  const streamDir = path.dirname(loaded.absolute);
  const base = options.out !== undefined ? path.resolve(io.cwd, options.out) : streamDir;
  const notFolder = options.out !== undefined ? await outNotFolder(base) : undefined;
  if (notFolder) return fail(io, EXIT.usage, [`--out ${options.out} ${notFolder}; --out names the folder the outputs go under (e.g. --out results), and the sinks' paths say the files`]);
  const planned = planOutputs(plan, base, io.cwd);
  if (isLeft(planned)) return fail(io, EXIT.usage, planned.left);
  const outputs = planned.right;

  const statePath = options.state !== undefined ? path.resolve(io.cwd, options.state) : undefined;
  const stateShown = statePath ? shownPath(io.cwd, statePath) : undefined;
  const journal = statePath ? statePath + JOURNAL_SUFFIX : path.join(base, BUILTIN_DIR, OUTPUT_JOURNAL);
  const guarded = await guardedFiles(plan, { streamDir, cwd: io.cwd, inputs: options.inputs, journal, ...(statePath ? { statePath } : {}) });
  if (statePath) guarded.push({ what: "the state store's write-ahead log", absolute: `${statePath}-wal` }, { what: "the state store's shared memory", absolute: `${statePath}-shm` });
  const clashes = outputClashes(outputs, guarded, io.cwd);
  const reportPath = options.report !== undefined ? path.resolve(io.cwd, options.report) : undefined;
  const reportClashes = reportPath !== undefined ? reportClash(reportPath, outputs, [...guarded, { what: "the stream file", absolute: loaded.absolute }], io.cwd) : undefined;
  if (reportClashes) clashes.push(reportClashes);
  if (clashes.length) return fail(io, EXIT.usage, clashes);

  for (const hint of await csvHeaderHints(plan, streamDir, io.cwd)) io.stderr(`interpret: hint: ${hint}\n`);
  // The tables' raw rows go to the runner once and are let go of then: nothing here keeps them for the runs.
  const tables = await loadTableRows(plan, streamDir);
  if (isLeft(tables)) return fail(io, EXIT.usage, tables.left);
  // A commit that a killed process left half done is finished (or undone) before the state is read.
  // It acts only on a journal of this stream that names its own outputs and state file.
  const targets = [...outputs.map((o) => o.absolute), ...(statePath ? [statePath] : [])];
  // The store is opened (a JSON state file of an earlier version migrated into one) when first
  // needed: by the recovery of an appending commit, which asks it for its last committed run, or
  // right after the recovery of a commit that replaced files (which may have been the JSON file).
  let store: StateStore | undefined;
  let storeError: string | undefined;
  const ensureStore = async (): Promise<StateStore | undefined> => {
    if (store || storeError !== undefined || !statePath) return store;
    const opened = await openStateStore(statePath, plan.stream, io);
    if (isLeft(opened)) storeError = opened.left;
    else store = opened.right;
    return store;
  };
  let code: number;
  try {
    const recovered = await recoverCommit(journal, {
      stream: plan.stream,
      targets,
      ...(statePath
        ? { storeRun: async () => ((await ensureStore()) ? right(store!.runs) : left({ message: storeError ?? "the state store cannot be opened" })) }
        : {}),
    });
    if (storeError !== undefined) return fail(io, EXIT.usage, [storeError]);
    if (isLeft(recovered)) return fail(io, EXIT.usage, [recovered.left.message]);
    const { recovery } = recovered.right;
    if (recovery === "rolled-forward" || recovery === "rolled-back") {
      io.stderr(`interpret: an interrupted commit was ${recovery === "rolled-forward" ? "completed" : "undone"}\n`);
    }
    if (statePath && !(await ensureStore())) return fail(io, EXIT.usage, [storeError ?? "the state store cannot be opened"]);
    code = await runStored(io, options, {
      plan,
      outputs,
      journal,
      tables: tables.right,
      streamDir,
      ...(store ? { store } : {}),
      ...(stateShown ? { stateShown } : {}),
      ...(reportPath !== undefined ? { reportPath } : {}),
    });
  } finally {
    store?.close();
  }
  return code;
}

interface Invocation {
  readonly plan: Plan;
  readonly outputs: ReadonlyArray<Output>;
  readonly journal: string;
  /** The tables' raw rows until the runner takes them (prepareRunner builds its own tables from them). */
  readonly tables: { rows?: Tables };
  readonly streamDir: string;
  readonly store?: StateStore;
  readonly stateShown?: string;
  readonly reportPath?: string;
}

/** The tables' rows in a holder that the runner's preparation empties (takeRows). */
async function loadTableRows(plan: Plan, streamDir: string): Promise<Either<string[], { rows?: Tables }>> {
  const loaded = await loadTables(plan, streamDir);
  return isLeft(loaded) ? loaded : right({ rows: loaded.right });
}

/** The tables' rows, which the holder no longer keeps. */
function takeRows(holder: { rows?: Tables }): Tables {
  const rows = holder.rows!;
  delete holder.rows;
  return rows;
}

/** Runs the stream once its commit is recovered and its store (with `--state`) is open. */
async function runStored(io: CliIO, options: RunOptions, v: Invocation): Promise<number> {
  const { plan, outputs, journal, streamDir, store, stateShown, reportPath } = v;
  const saved = (store?.state ?? undefined) as State | undefined;
  const prepared = prepareRunner(
    plan,
    { tables: takeRows(v.tables), params: options.params, ...(saved ? { state: saved } : {}), ...(store ? { keyStore: store } : {}) },
    { timer: () => performance.now() },
  );
  if (isLeft(prepared)) return fail(io, EXIT.usage, prepared.left.map((e) => (stateShown && e.startsWith("the state") ? `state file ${stateShown}: ${e}` : e)));
  const runner = prepared.right;

  const counted = runCount(options, runner);
  if (isLeft(counted)) return fail(io, EXIT.usage, [counted.left]);
  const count = counted.right;
  const arrays = loadJsonArrays(outputs, store !== undefined);
  if (arrays.length) return fail(io, EXIT.usage, arrays);

  const opened = await openFeeds({
    plan,
    runner,
    baseDir: streamDir,
    cwd: io.cwd,
    stdin: io.stdin,
    inputs: options.inputs,
    saved: saved?.sources ?? {},
    ...(stateShown ? { stateFile: stateShown } : {}),
  });
  if (isLeft(opened)) return fail(io, EXIT.usage, opened.left);
  const feeds = opened.right;
  for (const s of plan.steps) {
    if (s.kind === "source" && s.origin === "host" && options.inputs[s.name] === undefined) {
      io.stderr(`interpret: source \`${s.name}\` has no input and stays empty (give --input ${s.name}=PATH)\n`);
    }
  }

  const summary = newSummary(plan.stream);
  let code: number;
  try {
    code = await runAll({ io, options, runner, feeds, outputs, journal, count, summary, ...(store && stateShown ? { store, stateShown } : {}) });
  } finally {
    await feeds.close();
    if (io.isTTY) io.stderr("\r\x1b[K");
  }
  if (code !== EXIT.ok) return code;

  const written = outputs.map((o) => ({ display: o.display, records: o.written }));
  const state = stateShown ? { display: stateShown } : undefined;
  const report = reportOf(summary, written, state, { graph: streamGraph(plan), ...(options.now !== undefined && summary.now !== undefined ? { now: summary.now } : {}) });
  io.stdout(options.json ? renderJson(report) : renderText(summary, written, state));
  if (reportPath !== undefined) {
    try {
      await mkdir(path.dirname(reportPath), { recursive: true });
      await writeFile(reportPath, reportHtml(report));
    } catch (error) {
      return fail(io, EXIT.runFailed, [`cannot write the report ${shownPath(io.cwd, reportPath)}: ${describeError(error)} (the runs are committed)`]);
    }
  }
  if (!balanceHolds(summary.balance)) {
    io.stderr(`interpret: the balance does not add up (${balanceLine(summary.balance)}); this is a defect of the interpreter, please report it\n`);
    return EXIT.runFailed;
  }
  return EXIT.ok;
}

interface RunAll {
  readonly io: CliIO;
  readonly options: RunOptions;
  readonly runner: Runner;
  readonly feeds: Feeds;
  readonly outputs: ReadonlyArray<Output>;
  readonly journal: string;
  readonly count: number | undefined;
  readonly summary: Summary;
  readonly store?: StateStore;
  readonly stateShown?: string;
}

async function runAll(a: RunAll): Promise<number> {
  const { io, options, runner, feeds, summary } = a;
  const encode = sinkEncoders(a.outputs);
  const started = performance.now();
  let taken = await feeds.take();
  for (let i = 1; ; i++) {
    if (isLeft(taken)) return fail(io, EXIT.runFailed, [`run ${summary.runs + 1}: ${taken.left}`]);
    const current = taken.right;
    // Without a run count, a run is the last when no file source has anything after it.
    let next: Either<string, Take> | undefined;
    let last: boolean;
    if (a.count !== undefined) last = i >= a.count;
    else {
      next = await feeds.take();
      last = isRight(next) && next.right.exhausted;
    }
    if (io.isTTY) io.stderr(`\rrun ${i}${a.count !== undefined ? ` of ${a.count}` : ""}…`);
    let result;
    const runNo = runner.state.runs + 1;
    try {
      result = runner.run({ sources: current.batches, now: options.now ?? new Date(), encode, ...(a.store === undefined && last ? { final: true } : {}) });
    } catch (error) {
      a.store?.discard();
      if (error instanceof StoreDamaged) return fail(io, EXIT.usage, [storeDamagedMessage(a.stateShown ?? "", error)]);
      return fail(io, EXIT.runFailed, [`run ${runNo} failed: ${error instanceof Error ? error.message : String(error)}; its outputs and the state are unchanged`]);
    }
    const files = outputFiles(a.outputs, result, a.store === undefined && i === 1);
    let committed;
    if (a.store) {
      const store = a.store;
      const state = { ...runner.state, sources: { ...runner.state.sources, ...current.positions } };
      committed = await commitAppends({ journal: a.journal, stream: runner.plan.stream, files: files.map(appended), run: runNo, commitStore: () => store.commit(runNo, state) });
      if (isLeft(committed)) store.discard();
    } else if (i === 1) committed = await commitFiles({ journal: a.journal, stream: runner.plan.stream, files });
    // Later runs of an invocation without a store append in place too: a copy per run would grow with the outputs.
    else committed = await commitAppends({ journal: a.journal, stream: runner.plan.stream, files: files.map(appended), run: runNo });
    if (isLeft(committed)) return fail(io, EXIT.runFailed, [`run ${runNo}: ${committed.left.message}`]);
    addRun(summary, result);
    summary.seconds = (performance.now() - started) / 1000;
    if (last) return EXIT.ok;
    taken = next ?? (await feeds.take());
  }
}

/** With a store every output is appended to: a whole new text (a `json` sink's first array) replaces the file from byte 0. */
const appended = (f: CommitFile): CommitFile => (f.replace !== undefined ? { path: f.path, keep: 0, append: f.replace } : f);
