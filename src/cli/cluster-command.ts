// `interpret cluster SUBCOMMAND FILE.stream --nats URL …`: the edge of cluster
// mode (docs/cluster.md). It loads the stream and its tables as `run` does,
// connects, and hands them to src/cluster/; every refusal of the cluster is a
// message and an exit code here, never a stack trace.
import path from "node:path";
import { isLeft } from "fp-ts/lib/Either.js";
import { clusterJob, type ClusterJob } from "../cluster/job.js";
import { ClusterRefusal, initCluster, openCluster, type Meta } from "../cluster/meta.js";
import { connectNats } from "../cluster/nats.js";
import { ingest, ingestFiles } from "../cluster/ingest.js";
import { runWorker } from "../cluster/worker.js";
import { clusterStatus, collect, flushCluster, type ClusterStatus } from "../cluster/control.js";
import { TransportError, type Transport } from "../cluster/transport.js";
import { didYouMean, toTimestamp, type SourceStep } from "../index.js";
import { commitFiles } from "../io/index.js";
import { flagOption, listOption, stringOption, usageError, withCommand, type CommandSpec, type Parsed } from "./args.js";
import { EXIT, type CliIO, type Command } from "./cli-io.js";
import { CLUSTER_COLLECT, CLUSTER_COMMANDS, CLUSTER_FLUSH, CLUSTER_INGEST, CLUSTER_INIT, CLUSTER_STATUS, CLUSTER_WORKER } from "./commands.js";
import { loadStream, renderDiagnostics } from "./load-stream.js";
import { loadTables } from "./load-tables.js";
import { outputFiles, planOutputs } from "./outputs.js";
import { shownPath } from "./paths.js";
import { pairs } from "./run-options.js";
import { balanceLine, reasonOf } from "./summary.js";

const say = (io: CliIO, code: number, message: string): number => {
  io.stderr(`interpret: ${message}\n`);
  return code;
};

interface Common {
  readonly job: ClusterJob;
  readonly url: string;
}

/** The stream, its tables and the server URL; or the exit code after saying what is wrong. */
async function common(spec: CommandSpec, parsed: Parsed, io: CliIO): Promise<Common | number> {
  const [file, ...more] = parsed.positionals;
  if (file === undefined) return (io.stderr(usageError(spec, "name the stream")), EXIT.usage);
  if (more.length) return (io.stderr(usageError(spec, `one stream at a time, got ${parsed.positionals.map((p) => `\`${p}\``).join(" ")}`)), EXIT.usage);
  const url = stringOption(parsed, "nats");
  if (!url) return (io.stderr(usageError(spec, "--nats URL is required (e.g. --nats nats://127.0.0.1:4222)")), EXIT.usage);
  const loaded = await loadStream(io.cwd, file);
  if (isLeft(loaded)) return say(io, EXIT.usage, loaded.left);
  const stream = loaded.right;
  if (stream.diagnostics.length) io.stderr(renderDiagnostics(stream, io));
  if (!stream.plan) return EXIT.streamErrors;
  const plan = stream.plan;
  const simulated = plan.steps.filter((s): s is SourceStep => s.kind === "source" && s.origin === "simulate");
  if (simulated.length) {
    return say(io, EXIT.usage, `${stream.display}: source \`${simulated[0]!.name}\` is a simulate source, which cluster mode cannot run (a cluster's records come from \`cluster ingest\`); use a file or host source`);
  }
  const streamDir = path.dirname(stream.absolute);
  const tables = await loadTables(plan, streamDir);
  if (isLeft(tables)) return say(io, EXIT.usage, tables.left.join("\ninterpret: "));
  return { job: clusterJob({ plan, text: stream.text, display: stream.display, streamDir, tables: tables.right, params: {} }), url };
}

/** Connects and runs `body`; a transport failure or refusal becomes its message and exit code. */
async function connected(io: CliIO, c: Common, body: (t: Transport) => Promise<number>, replicas?: number): Promise<number> {
  let transport: Transport;
  try {
    transport = await connectNats({ url: c.url, name: c.job.name, ...(replicas ? { replicas } : {}) });
  } catch (e) {
    return say(io, EXIT.runFailed, e instanceof Error ? e.message : String(e));
  }
  try {
    return await body(transport);
  } catch (e) {
    if (e instanceof ClusterRefusal) return say(io, e.code, e.message);
    if (e instanceof TransportError) return say(io, EXIT.runFailed, e.message);
    return say(io, EXIT.runFailed, `the cluster at ${c.url} failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await transport.close();
  }
}

const withCommon = (spec: CommandSpec, body: (c: Common, parsed: Parsed, io: CliIO) => Promise<number>): Command => (argv, io) =>
  withCommand(spec, argv, io, async (parsed) => {
    const c = await common(spec, parsed, io);
    return typeof c === "number" ? c : body(c, parsed, io);
  });

const wholeNumber = (text: string | undefined): number | undefined => (text !== undefined && /^[0-9]+$/.test(text) && Number(text) >= 1 && Number.isSafeInteger(Number(text)) ? Number(text) : undefined);

const init = withCommon(CLUSTER_INIT, async (c, parsed, io) => {
  const partitions = wholeNumber(stringOption(parsed, "partitions"));
  if (partitions === undefined) return (io.stderr(usageError(CLUSTER_INIT, `--partitions takes a whole number of partitions, 1 or more${stringOption(parsed, "partitions") !== undefined ? `, got \`${stringOption(parsed, "partitions")}\`` : ""}`)), EXIT.usage);
  const replicasText = stringOption(parsed, "replicas");
  const replicas = replicasText === undefined ? 1 : wholeNumber(replicasText);
  if (replicas === undefined) return (io.stderr(usageError(CLUSTER_INIT, `--replicas takes 1, 3 or 5, got \`${replicasText}\``)), EXIT.usage);
  const params = pairs(listOption(parsed, "param"), "--param", "region=EU");
  if (isLeft(params)) return (io.stderr(usageError(CLUSTER_INIT, params.left)), EXIT.usage);
  return connected(
    io,
    c,
    async (t) => {
      const made = await initCluster(t, { ...c.job, params: params.right }, partitions);
      io.stdout(
        made === "created"
          ? `${c.job.plan.stream}: cluster initialised on ${c.url}: ${c.job.stages.length} stages × ${partitions} partitions\n`
          : `${c.job.plan.stream}: already initialised on ${c.url} with ${partitions} partitions; nothing changed\n`,
      );
      return EXIT.ok;
    },
    replicas,
  );
});

/** The job with the params every worker shares (set at init). */
const withMeta = (job: ClusterJob, meta: Meta): ClusterJob => ({ ...job, params: meta.params ?? {} });

const ingestCommand = withCommon(CLUSTER_INGEST, async (c, parsed, io) => {
  const inputs: [string, string][] = [];
  for (const v of listOption(parsed, "input")) {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) return (io.stderr(usageError(CLUSTER_INGEST, `--input takes SOURCE=PATH, got \`${v}\``)), EXIT.usage);
    inputs.push([v.slice(0, eq), v.slice(eq + 1)]);
  }
  return connected(io, c, async (t) => {
    const { kv, meta } = await openCluster(t, c.job, c.url);
    const files = await ingestFiles(c.job, inputs, io.cwd, (abs) => shownPath(io.cwd, abs));
    const r = await ingest(t, kv, c.job, meta.partitions, files, (line) => io.stderr(`${line}\n`));
    io.stdout(`${c.job.plan.stream}: ingested ${r.messages.toLocaleString("en-US")} records from ${r.files - r.skipped} files${r.skipped ? ` (${r.skipped} already ingested, skipped)` : ""}${r.duplicates ? `; ${r.duplicates.toLocaleString("en-US")} were already in the cluster` : ""}\n`);
    return EXIT.ok;
  });
});

const worker = withCommon(CLUSTER_WORKER, async (c, parsed, io) => {
  const nowText = stringOption(parsed, "now");
  const now = nowText === undefined ? undefined : toTimestamp(nowText);
  if (nowText !== undefined && !now) return (io.stderr(usageError(CLUSTER_WORKER, `--now takes an ISO-8601 timestamp such as 2026-11-20T12:00:00Z, got \`${nowText}\``)), EXIT.usage);
  const batchText = stringOption(parsed, "batch");
  const batch = batchText === undefined ? 1000 : wholeNumber(batchText);
  if (batch === undefined) return (io.stderr(usageError(CLUSTER_WORKER, `--batch takes a whole number of messages, 1 or more, got \`${batchText}\``)), EXIT.usage);
  const name = stringOption(parsed, "name");
  if (name !== undefined && !/^[A-Za-z0-9_-]+$/.test(name)) return (io.stderr(usageError(CLUSTER_WORKER, `--name takes letters, digits, - and _, got \`${name}\``)), EXIT.usage);
  return connected(io, c, async (t) => {
    const { kv, meta } = await openCluster(t, c.job, c.url);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    try {
      await runWorker(
        { transport: t, kv, job: withMeta(c.job, meta), partitions: meta.partitions, reasonOf },
        { ...(name ? { name } : {}), ...(nowText ? { now: nowText } : {}), batch, log: (line) => io.stdout(`${line}\n`), stop: stopped, ...faults(io) },
      );
    } finally {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
    }
    return EXIT.ok;
  });
});

/**
 * Faults for the specs, at the worst moment of a step (its outputs published, its commit
 * not yet written): with PEPPA_CLUSTER_STOP_BEFORE_COMMIT=STAGE.PARTITION the worker stops
 * itself (SIGSTOP) once, just before its first commit of that partition, as a long pause
 * would (SIGCONT resumes it there); with PEPPA_CLUSTER_KILL_BEFORE_COMMIT=N it kills itself
 * (SIGKILL) just before its Nth commit, as a crash would.
 */
function faults(io: CliIO): { beforeCommit?: (partition: string, range: string) => void } {
  const stopAt = process.env["PEPPA_CLUSTER_STOP_BEFORE_COMMIT"];
  const killAt = Number(process.env["PEPPA_CLUSTER_KILL_BEFORE_COMMIT"] ?? 0);
  if (!stopAt && !(killAt > 0)) return {};
  let stopped = false;
  let commits = 0;
  return {
    beforeCommit: (partition, range) => {
      if (killAt > 0 && ++commits === killAt) {
        io.stdout(`killing itself before the commit of ${partition} ${range} (PEPPA_CLUSTER_KILL_BEFORE_COMMIT)\n`);
        process.kill(process.pid, "SIGKILL");
      }
      if (stopped || partition !== stopAt) return;
      stopped = true;
      io.stdout(`stopping before the commit of ${partition} ${range} (PEPPA_CLUSTER_STOP_BEFORE_COMMIT)\n`);
      process.kill(process.pid, "SIGSTOP");
    },
  };
}

const flush = withCommon(CLUSTER_FLUSH, async (c, _parsed, io) =>
  connected(io, c, async (t) => {
    const { kv, meta } = await openCluster(t, c.job, c.url);
    const run = await flushCluster(t, kv, c.job, meta.partitions, (line) => io.stderr(`interpret: ${line}\n`));
    io.stdout(`${c.job.plan.stream}: run ${run} closed; every record ingested before the flush is delivered\n`);
    return EXIT.ok;
  }),
);

const collectCommand = withCommon(CLUSTER_COLLECT, async (c, parsed, io) => {
  const out = stringOption(parsed, "out");
  if (!out) return (io.stderr(usageError(CLUSTER_COLLECT, "--out DIR is required")), EXIT.usage);
  const planned = planOutputs(c.job.plan, path.resolve(io.cwd, out), io.cwd);
  if (isLeft(planned)) return say(io, EXIT.usage, planned.left.join("\ninterpret: "));
  return connected(io, c, async (t) => {
    await openCluster(t, c.job, c.url);
    const got = await collect(t);
    const result = { outputs: got.outputs, rejects: got.rejects, audit: got.audit } as unknown as Parameters<typeof outputFiles>[1];
    const files = outputFiles(planned.right, result, true);
    const committed = await commitFiles({ journal: path.join(path.resolve(io.cwd, out), "out", ".interpret-collect.journal"), stream: c.job.plan.stream, files });
    if (isLeft(committed)) return say(io, EXIT.runFailed, committed.left.message);
    io.stdout(planned.right.map((o) => `${o.display}: ${o.written.toLocaleString("en-US")} records\n`).join(""));
    return EXIT.ok;
  });
});

function statusText(s: ClusterStatus): string {
  const lines = [`${s.stream}: run ${s.run}${s.flushing ? " (closing)" : ""}, ${s.workers.length} worker(s)${s.workers.length ? `: ${s.workers.join(", ")}` : ""}`];
  for (const st of s.stages) {
    lines.push(`stage ${st.stage} by ${st.key}: ${st.steps.join(", ")}`);
    for (const p of s.partitions.filter((x) => x.stage === st.stage)) {
      lines.push(`  partition ${p.partition}: owner ${p.owner ?? "-"}, lag ${p.lag}, ${p.batches} runs, ${p.openSessions} open sessions, closed run ${p.closedRun}`);
    }
  }
  lines.push(`balance: ${balanceLine(s.balance)}`);
  for (const [step, reasons] of Object.entries(s.rejects)) for (const [reason, n] of Object.entries(reasons)) lines.push(`rejects: ${step}: ${reason}: ${n}`);
  for (const [kind, n] of Object.entries(s.audit)) lines.push(`audit: ${kind}: ${n}`);
  lines.push(`outputs delivered: ${s.outputs}`);
  return lines.join("\n") + "\n";
}

const status = withCommon(CLUSTER_STATUS, async (c, parsed, io) =>
  connected(io, c, async (t) => {
    const { kv, meta } = await openCluster(t, c.job, c.url);
    const s = await clusterStatus(t, kv, c.job, meta.partitions);
    io.stdout(flagOption(parsed, "json") ? `${JSON.stringify(s, null, 2)}\n` : statusText(s));
    return EXIT.ok;
  }),
);

const SUB: Readonly<Record<string, Command>> = { init, ingest: ingestCommand, worker, flush, collect: collectCommand, status };

function clusterHelp(): string {
  return ["interpret cluster: run one stream across many workers on NATS JetStream (docs/cluster.md)", "", "usage:", ...CLUSTER_COMMANDS.map((c) => `  interpret ${c.name} ${c.args} [options]`), ""].join("\n");
}

/** `interpret cluster SUB …` */
export const clusterCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    (sub === undefined ? io.stderr : io.stdout)(clusterHelp());
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = SUB[sub];
  if (command) return command(rest, io);
  const hint = didYouMean(sub, Object.keys(SUB));
  io.stderr(`interpret: unknown cluster command \`${sub}\`${hint ? ` (${hint})` : ""}; cluster commands: ${Object.keys(SUB).join(", ")}\n\n${clusterHelp()}`);
  return EXIT.usage;
};
