// `interpret [run] FILE.stream [options]`: runs a stream over its sources,
// writes every sink, the rejects and the audit log, commits each run's outputs
// together with the state file, and prints the report.
import path from "node:path";
import { commitFiles, encodeStateFile, readStateFile, recoverCommit } from "../io/index.js";
import { balanceHolds } from "../runtime/report.js";
import { prepareRunner, type Runner } from "../runtime/runner.js";
import { StateCodec, type State } from "../runtime/state.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";
import { loadTables } from "./load-tables.js";
import { BUILTIN_DIR, guardedFiles, loadJsonArrays, outputClashes, outputFiles, planOutputs, type Output } from "./outputs.js";
import { shownPath } from "./paths.js";
import { parseRunOptions, RUN_USAGE, type RunOptions } from "./run-options.js";
import { openFeeds, type Feeds, type Take } from "./source-feed.js";
import { addRun, balanceLine, newSummary, renderJson, renderText, type Summary } from "./summary.js";

/** The journal of an invocation's commits: beside the state file, or in the output folder. */
export const JOURNAL_SUFFIX = ".journal";
export const OUTPUT_JOURNAL = ".interpret-commit.journal";

const fail = (io: CliIO, code: number, lines: ReadonlyArray<string>): number => {
  io.stderr(lines.map((l) => `interpret: ${l}\n`).join(""));
  return code;
};

/** How many runs: `--runs N`, else `trigger count N`, else undefined (until the file sources are exhausted). */
function runCount(options: RunOptions, runner: Runner): number | string | undefined {
  if (options.runs !== undefined) return options.runs;
  const fn = runner.plan.triggerCount;
  if (!fn) return undefined;
  const n = runner.constant(fn);
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) return `trigger count must be a whole number, 1 or more, got ${String(n)}`;
  return n;
}

export const runCommand: Command = async (argv, io) => {
  const options = parseRunOptions(argv);
  if (typeof options === "string") {
    io.stderr(`interpret: ${options}\n${RUN_USAGE}\n`);
    return EXIT.usage;
  }
  const loaded = await loadStream(io.cwd, options.file);
  if (!loaded.ok) return fail(io, EXIT.usage, [loaded.message]);
  if (loaded.diagnostics.length) io.stderr(renderDiagnostics(loaded));
  const plan = loaded.plan;
  if (!plan) return EXIT.streamErrors;
  if (plan.steps.length === 0) {
    return fail(io, EXIT.streamErrors, [`${loaded.display} declares no steps, so there is nothing to run (a stream needs at least a source and a sink; see docs/language.md)`]);
  }

  const streamDir = path.dirname(loaded.absolute);
  const base = options.out !== undefined ? path.resolve(io.cwd, options.out) : streamDir;
  const planned = planOutputs(plan, base, io.cwd);
  if (!planned.ok) return fail(io, EXIT.usage, planned.errors);
  const outputs = planned.outputs;

  const statePath = options.state !== undefined ? path.resolve(io.cwd, options.state) : undefined;
  const stateShown = statePath ? shownPath(io.cwd, statePath) : undefined;
  const journal = statePath ? statePath + JOURNAL_SUFFIX : path.join(base, BUILTIN_DIR, OUTPUT_JOURNAL);
  const clashes = outputClashes(outputs, await guardedFiles(plan, { streamDir, cwd: io.cwd, inputs: options.inputs, journal, ...(statePath ? { statePath } : {}) }), io.cwd);
  if (clashes.length) return fail(io, EXIT.usage, clashes);

  const tables = await loadTables(plan, streamDir);
  if (!tables.ok) return fail(io, EXIT.usage, tables.errors);
  // A commit that a killed process left half done is finished (or undone) before the state is read.
  // It acts only on a journal of this stream that names its own outputs and state file.
  const targets = [...outputs.map((o) => o.absolute), ...(statePath ? [statePath] : [])];
  const recovered = await recoverCommit(journal, { stream: plan.stream, targets });
  if (!recovered.ok) return fail(io, EXIT.usage, [recovered.error.message]);
  if (recovered.recovery === "rolled-forward" || recovered.recovery === "rolled-back") {
    io.stderr(`interpret: an interrupted commit was ${recovered.recovery === "rolled-forward" ? "completed" : "undone"}\n`);
  }

  let saved: State | undefined;
  if (statePath) {
    const read = await readStateFile(statePath, plan.stream, StateCodec);
    if (!read.ok) return fail(io, EXIT.usage, [read.error.message]);
    saved = read.state;
  }
  const prepared = prepareRunner(plan, { tables: tables.tables, params: options.params, ...(saved ? { state: saved } : {}) });
  if (!prepared.ok) return fail(io, EXIT.usage, prepared.errors.map((e) => (stateShown && e.startsWith("the state") ? `state file ${stateShown}: ${e}` : e)));
  const runner = prepared.runner;

  const count = runCount(options, runner);
  if (typeof count === "string") return fail(io, EXIT.usage, [count]);
  const arrays = loadJsonArrays(outputs, statePath !== undefined);
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
  if (!opened.ok) return fail(io, EXIT.usage, opened.errors);
  const feeds = opened.feeds;
  for (const s of plan.steps) {
    if (s.kind === "source" && s.origin === "host" && options.inputs[s.name] === undefined) {
      io.stderr(`interpret: source \`${s.name}\` has no input and stays empty (give --input ${s.name}=PATH)\n`);
    }
  }

  const summary = newSummary(plan.stream);
  let code: number;
  try {
    code = await runAll({ io, options, runner, feeds, outputs, journal, count, summary, ...(statePath ? { statePath } : {}) });
  } finally {
    await feeds.close();
    if (io.isTTY) io.stderr("\r\x1b[K");
  }
  if (code !== EXIT.ok) return code;

  const written = outputs.map((o) => ({ display: o.display, records: o.written }));
  const state = stateShown ? { display: stateShown } : undefined;
  io.stdout(options.json ? renderJson(summary, written, state) : renderText(summary, written, state));
  if (!balanceHolds(summary.balance)) {
    io.stderr(`interpret: the balance does not add up (${balanceLine(summary.balance)}); this is a defect of the interpreter, please report it\n`);
    return EXIT.runFailed;
  }
  return EXIT.ok;
};

interface RunAll {
  readonly io: CliIO;
  readonly options: RunOptions;
  readonly runner: Runner;
  readonly feeds: Feeds;
  readonly outputs: ReadonlyArray<Output>;
  readonly journal: string;
  readonly count: number | undefined;
  readonly summary: Summary;
  readonly statePath?: string;
}

async function runAll(a: RunAll): Promise<number> {
  const { io, options, runner, feeds, summary } = a;
  const started = performance.now();
  const take = async (): Promise<Take | string> => {
    const t = await feeds.take();
    return t.ok ? t.take : t.message;
  };
  let current = await take();
  for (let i = 1; ; i++) {
    if (typeof current === "string") return fail(io, EXIT.runFailed, [`run ${summary.runs + 1}: ${current}`]);
    // Without a run count, a run is the last when no file source has anything after it.
    let next: Take | string | undefined;
    let last: boolean;
    if (a.count !== undefined) last = i >= a.count;
    else {
      next = await take();
      last = typeof next === "string" ? false : next.exhausted;
    }
    if (io.isTTY) io.stderr(`\rrun ${i}${a.count !== undefined ? ` of ${a.count}` : ""}…`);
    let result;
    const runNo = runner.state.runs + 1;
    try {
      result = runner.run({ sources: current.batches, now: options.now ?? new Date(), ...(a.statePath === undefined && last ? { final: true } : {}) });
    } catch (error) {
      return fail(io, EXIT.runFailed, [`run ${runNo} failed: ${error instanceof Error ? error.message : String(error)}; its outputs and the state are unchanged`]);
    }
    const files = outputFiles(a.outputs, result, a.statePath === undefined && i === 1);
    if (a.statePath) {
      const state = { ...runner.state, sources: { ...runner.state.sources, ...current.positions } };
      files.push({ path: a.statePath, replace: encodeStateFile(runner.plan.stream, state) });
    }
    const committed = await commitFiles({ journal: a.journal, stream: runner.plan.stream, files });
    if (!committed.ok) return fail(io, EXIT.runFailed, [`run ${runNo}: ${committed.error.message}`]);
    addRun(summary, result);
    summary.seconds = (performance.now() - started) / 1000;
    if (last) return EXIT.ok;
    current = next ?? (await take());
  }
}
