// The options of every subcommand, in one table: parsing (args.ts), each
// command's `--help` and the overview of `interpret --help` all come from here.
import type { CommandSpec } from "./args.js";

const EXIT_CODES = "exit codes: 0 done, 1 the stream has errors, 2 bad usage or unreadable input, 3 a run failed";

export const RUN: CommandSpec = {
  name: "run",
  usageName: "[run]",
  args: "FILE.stream",
  summary: "Runs a stream over its sources, writes every sink, the rejects and the audit log, and prints the report.",
  options: [
    { name: "out", value: "DIR", help: "write outputs under DIR instead of the stream's folder" },
    { name: "state", value: "FILE", help: "keep open sessions, dedup keys and file positions in FILE across invocations" },
    { name: "now", value: "TIMESTAMP", help: "the run clock (ISO-8601), e.g. 2026-11-20T12:00:00Z; default: the wall clock" },
    { name: "runs", value: "N", help: "make N runs (default: `trigger count`, else until the file sources are read)" },
    { name: "param", value: "NAME=VALUE", multiple: true, help: "set a param" },
    { name: "input", value: "SOURCE=PATH", multiple: true, help: "feed a source declared without `from` from a file, or - for standard input" },
    { name: "json", help: "print the report as one JSON object" },
    { name: "report", value: "FILE", help: "also write the report as one self-contained HTML page to FILE" },
  ],
  more: `${EXIT_CODES}\ndocs: docs/cli.md`,
};

export const CHECK: CommandSpec = {
  name: "check",
  args: "FILE.stream…",
  summary: "Parses and checks each stream without running it: its diagnostics (on standard error), or one line per clean file. - reads a stream from standard input.",
  options: [{ name: "json", help: "one JSON document of every file and diagnostic (code, severity, message, range, hint), for CI annotations" }],
  more: "exit codes: 0 every file is clean, 1 a file has errors, 2 a file cannot be read\ncolour: on a terminal; never with NO_COLOR, always with FORCE_COLOR",
};

export const FMT: CommandSpec = {
  name: "fmt",
  args: "FILE.stream…",
  summary: "Prints the canonical formatting of each stream, rewrites the files that differ (--write), or lists them (--check). - reads a stream from standard input.",
  options: [
    { name: "write", short: "w", help: "rewrite the files that are not formatted" },
    { name: "check", help: "list the files that are not formatted and exit 1 if there is one" },
  ],
  more: "exit codes: 0 done, 1 a file has syntax errors or is not formatted (--check), 2 bad usage or a file that cannot be read or written",
};

export const PLAN: CommandSpec = {
  name: "plan",
  args: "FILE.stream",
  summary: "The execution plan in order, each step with its inputs and the schema and destination of each output port.",
  options: [{ name: "json", help: "the plan as one JSON object" }],
  more: "exit codes: 0 done, 1 the stream has errors, 2 bad usage or a file that cannot be read",
};

export const GRAPH: CommandSpec = {
  name: "graph",
  args: "FILE.stream",
  summary: "A picture of the stream: steps, tables and the built-in rejects, edges labelled with their port.",
  options: [
    { name: "format", short: "f", value: "svg|mermaid|dot", help: "svg (default, laid out in-process), or text for mermaid or graphviz" },
    { name: "direction", value: "tb|lr", help: "top to bottom (default) or left to right" },
    { name: "output", short: "o", value: "FILE", help: "write FILE instead of standard output" },
  ],
  more: "exit codes: 0 done, 1 the stream has errors, 2 bad usage or a file that cannot be read or written",
};

export const TEST: CommandSpec = {
  name: "test",
  args: "FILE.stream|FILE.test.stream…",
  summary: "Runs the `test` blocks of each stream and of the NAME.test.stream beside it; a diff for every failure.",
  options: [
    { name: "filter", value: "TEXT", help: "run only the tests whose title contains TEXT (ignoring case)" },
    { name: "json", help: "the results as one JSON object" },
  ],
  more: "exit codes: 0 every test passed, 1 a test failed (or the stream has errors, or no test ran), 2 bad usage or a file that cannot be read",
};

export const LSP: CommandSpec = {
  name: "lsp",
  args: "",
  summary: "The language server for editors (docs/editors.md): JSON-RPC on standard input and output.",
  options: [
    { name: "stdio", help: "speak on standard input and output (the only transport; editors pass it)" },
    { name: "clientProcessId", value: "PID", help: "the editor's process id, as editors pass it (accepted, not used)" },
  ],
  more: "exit codes: 0 when the editor ends the session, 2 bad usage",
};

export const STATE: CommandSpec = {
  name: "state",
  args: "show FILE",
  summary: "What a state file (--state) keeps: the run number, file positions, each dedup step's keys by the run that first saw them with their window, and each aggregate's open sessions.",
  options: [
    { name: "json", help: "as one JSON object (every open session, not only the first 20)" },
    { name: "key", value: "KEY", help: "also say whether KEY (a dedup key's text) is remembered, by which step, since which run and until when" },
  ],
  more: "exit codes: 0 done, 2 bad usage, or a state file that is missing, damaged or not one\ndocs: docs/cli.md",
};

const NATS = { name: "nats", value: "URL", help: "the NATS server (nats://127.0.0.1:4222; several separated by commas)" } as const;
const CLUSTER_EXIT = "exit codes: 0 done, 1 the stream has errors, 2 bad usage or input, a cluster not initialised or initialised otherwise, 3 the server cannot be reached or a run failed\ndocs: docs/cluster.md";

export const CLUSTER_INIT: CommandSpec = {
  name: "cluster init",
  args: "FILE.stream",
  summary: "Creates what the stream needs on NATS JetStream (a topic per stage, the output topic, the store); again with the same stream and partitions, it changes nothing.",
  options: [
    NATS,
    { name: "partitions", value: "P", help: "partitions per stage (fixed for the cluster's life)" },
    { name: "replicas", value: "N", help: "copies of every stream and of the store (1 by default; 3 on a 3-node cluster)" },
    { name: "param", value: "NAME=VALUE", multiple: true, help: "set a param for every worker" },
  ],
  more: CLUSTER_EXIT,
};

export const CLUSTER_INGEST: CommandSpec = {
  name: "cluster ingest",
  args: "FILE.stream",
  summary: "Publishes the records of the stream's file sources (or the files given) into the cluster; a file published again adds nothing.",
  options: [NATS, { name: "input", value: "SOURCE=PATH", multiple: true, help: "ingest PATH for SOURCE instead of the sources' own files" }],
  more: CLUSTER_EXIT,
};

export const CLUSTER_WORKER: CommandSpec = {
  name: "cluster worker",
  args: "FILE.stream",
  summary: "Joins the cluster and processes a fair share of the partitions until SIGTERM, which finishes the current run, releases the leases and exits 0.",
  options: [
    NATS,
    { name: "name", value: "N", help: "the worker's name in leases and status (default: HOST-PID)" },
    { name: "now", value: "TIMESTAMP", help: "the run clock (ISO-8601); default: the wall clock when a run starts" },
    { name: "batch", value: "N", help: "messages per micro-batch (default 1000); outputs do not depend on it" },
  ],
  more: CLUSTER_EXIT,
};

export const CLUSTER_FLUSH: CommandSpec = {
  name: "cluster flush",
  args: "FILE.stream",
  summary: "Waits until every record ingested so far is processed, closes every open session (the end of a cluster run), and returns once those records are delivered.",
  options: [NATS],
  more: CLUSTER_EXIT,
};

export const CLUSTER_COLLECT: CommandSpec = {
  name: "cluster collect",
  args: "FILE.stream",
  summary: "Writes each sink's records, the rejects and the audit events delivered so far to the files the stream names, under DIR.",
  options: [NATS, { name: "out", value: "DIR", help: "the folder to write under" }],
  more: CLUSTER_EXIT,
};

export const CLUSTER_STATUS: CommandSpec = {
  name: "cluster status",
  args: "FILE.stream",
  summary: "Per partition its owner, lag, runs and open sessions; the cluster's balance, rejects by step and reason, audit events by kind.",
  options: [NATS, { name: "json", help: "the status as one JSON object" }],
  more: CLUSTER_EXIT,
};

export const CLUSTER_COMMANDS: ReadonlyArray<CommandSpec> = [CLUSTER_INIT, CLUSTER_INGEST, CLUSTER_WORKER, CLUSTER_FLUSH, CLUSTER_COLLECT, CLUSTER_STATUS];

export const REPORT: CommandSpec = {
  name: "report",
  args: "RUN.json",
  summary: "Draws a report saved with `interpret FILE --json > RUN.json` as one self-contained HTML page (- reads standard input).",
  options: [{ name: "output", short: "o", value: "FILE", help: "write FILE instead of standard output" }],
  more: "exit codes: 0 done, 2 bad usage, or a file that cannot be read, is not such a report, or cannot be written",
};

export const SUBCOMMANDS: ReadonlyArray<CommandSpec> = [RUN, CHECK, FMT, PLAN, GRAPH, TEST, REPORT, STATE, LSP, ...CLUSTER_COMMANDS];

/** `interpret --help`: every command's usage line, then the run options. */
export function overview(): string {
  const lines = [
    "interpret: run and inspect peppa-stream streams",
    "",
    "usage:",
    "  interpret FILE.stream [options]        run a stream (same as `interpret run`)",
    ...SUBCOMMANDS.map((c) => `  interpret ${[c.name, c.args].filter((x) => x).join(" ")}${c.options.length ? " [options]" : ""}`),
    "  interpret help | --help | -h | --version | -V",
    "  interpret COMMAND --help               a command's own options",
    "",
    "run options:",
    ...RUN.options.map((o) => `  ${`--${o.name}${o.value ? ` ${o.value}` : ""}`.padEnd(22)}${o.help}${o.multiple ? " (repeatable)" : ""}`),
    "",
    EXIT_CODES,
    "docs: docs/cli.md, docs/language.md",
  ];
  return lines.join("\n") + "\n";
}
