// The report of an invocation: the per-run reports summed, the balance, the
// rejects grouped by step and reason, the audit events by kind, and the files
// written; as text for people or as one JSON object (`--json`).
import { addBalances, balanceHolds, SAMPLES_PER_REASON, ZERO_BALANCE, type Balance, type InvocationReport, type JsonRecord, type RunResult, type StreamGraph } from "../index.js";
import { jsonText } from "../io/index.js";
import { UNDECLARED_NAMES } from "../index.js";

export interface StepTotal {
  readonly step: string;
  readonly kind: string;
  in: number;
  readonly out: Record<string, number>;
  ms: number;
  undeclaredFields: number;
  /** Some of the undeclared fields' names (src/cli/undeclared.ts). */
  readonly undeclaredNames: Set<string>;
  /** Function calls that failed (each gave null), and the first one's text. */
  errors: number;
  firstError?: string;
}

export interface Summary {
  readonly stream: string;
  runs: number;
  /** Run numbers in the state's count: the first and last run of this invocation. */
  firstRun: number;
  lastRun: number;
  seconds: number;
  balance: Balance;
  readonly steps: StepTotal[];
  /** "step\u0000reason" -> count */
  readonly rejects: Map<string, number>;
  /** "step\u0000reason" -> the first reject records of that reason (SAMPLES_PER_REASON at most) */
  readonly samples: Map<string, JsonRecord[]>;
  readonly audit: Map<string, number>;
  openSessions: Record<string, number>;
  /** The clock of the last run. */
  now?: string;
}

export interface Written {
  readonly display: string;
  readonly records: number;
}

export const newSummary = (stream: string): Summary => ({
  stream,
  runs: 0,
  firstRun: 0,
  lastRun: 0,
  seconds: 0,
  balance: ZERO_BALANCE,
  steps: [],
  rejects: new Map(),
  samples: new Map(),
  audit: new Map(),
  openSessions: {},
});

/** A reject's reason in general words: without the line number and the offending value. */
export function reasonOf(error: unknown): string {
  if (typeof error !== "object" || error === null || !("message" in error)) return String(error);
  const { rule, message } = error as { rule?: unknown; message: unknown };
  // A validate rule's message is the author's; a source's (rule `schema` or `format`) names the value, which is left out to group them.
  if (rule !== "schema" && rule !== "format") return String(message);
  return String(message)
    .replace(/^line \d+: /, "")
    .replace(/^(invalid JSON|malformed CSV): .*$/s, "$1")
    .replace(/, got .*$/s, "");
}

export function addRun(summary: Summary, result: RunResult): void {
  const r = result.report;
  if (summary.runs === 0) summary.firstRun = r.run;
  summary.runs++;
  summary.lastRun = r.run;
  summary.now = r.now;
  summary.balance = addBalances(summary.balance, r.balance);
  summary.openSessions = { ...r.openSessions };
  for (const s of r.steps) {
    let total = summary.steps.find((t) => t.step === s.step);
    if (!total) {
      total = { step: s.step, kind: s.kind, in: 0, out: Object.create(null) as Record<string, number>, ms: 0, undeclaredFields: 0, undeclaredNames: new Set(), errors: 0 };
      summary.steps.push(total);
    }
    total.in += s.in;
    total.ms += s.ms;
    total.undeclaredFields += s.undeclaredFields ?? 0;
    for (const name of s.undeclaredFieldNames ?? []) if (total.undeclaredNames.size < UNDECLARED_NAMES) total.undeclaredNames.add(name);
    total.errors += s.errors ?? 0;
    total.firstError ??= s.firstError;
    for (const [port, n] of Object.entries(s.out)) total.out[port] = (total.out[port] ?? 0) + n;
  }
  for (const reject of result.rejects) {
    const errors = Array.isArray(reject["errors"]) ? (reject["errors"] as unknown[]) : [];
    const reasons = new Set(errors.length ? errors.map(reasonOf) : ["(no reason given)"]);
    for (const reason of reasons) {
      const key = `${String(reject["step"])}\u0000${reason}`;
      summary.rejects.set(key, (summary.rejects.get(key) ?? 0) + 1);
      const kept = summary.samples.get(key) ?? [];
      if (kept.length < SAMPLES_PER_REASON) summary.samples.set(key, [...kept, reject]);
    }
  }
  for (const event of result.audit) {
    const kind = typeof event["kind"] === "string" ? event["kind"] : String(event["step"]);
    summary.audit.set(kind, (summary.audit.get(kind) ?? 0) + 1);
  }
}

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const rate = (records: number, ms: number): string => (ms <= 0 || records === 0 ? "-" : int((records * 1000) / ms));
const ms = (n: number): string => (n < 10 ? n.toFixed(1) : int(n));
const plural = (n: number, word: string): string => `${int(n)} ${word}${n === 1 ? "" : "s"}`;

function table(rows: ReadonlyArray<ReadonlyArray<string>>, right: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("   ")
      .trimEnd(),
  );
}

/** Rejects grouped by step (in plan order) and reason (most first). */
function rejectRows(summary: Summary): { step: string; reason: string; count: number }[] {
  const order = new Map(summary.steps.map((s, i) => [s.step, i]));
  return [...summary.rejects]
    .map(([key, count]) => {
      const [step, reason] = key.split("\u0000") as [string, string];
      return { step, reason, count };
    })
    .sort((a, b) => (order.get(a.step) ?? 0) - (order.get(b.step) ?? 0) || b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

const auditRows = (summary: Summary) => [...summary.audit].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));

export function balanceLine(b: Balance): string {
  return (
    `read ${int(b.read)} + created ${int(b.created)} = delivered ${int(b.delivered)} + absorbed ${int(b.absorbed)} + ` +
    `duplicates ${int(b.duplicates)} + rejected ${int(b.rejected)} + dropped ${int(b.dropped)}  ${balanceHolds(b) ? "✓" : "✗ (does not add up)"}` +
    // Late records are already in the terms where they end (rejected, when no step reads the `late` port).
    (b.late ? `  (${plural(b.late, "late record")} among them)` : "")
  );
}

/** ` (referrer, utm_source, …)`: the names found, `…` when there may be more. */
const namesOf = (s: StepTotal): string => {
  const names = [...s.undeclaredNames].map((n) => `\`${n}\``);
  return names.length ? ` (${names.join(", ")}${names.length >= UNDECLARED_NAMES ? ", …" : ""}; declare them in the schema to keep them)` : "";
};

export function renderText(summary: Summary, written: ReadonlyArray<Written>, state?: { display: string }): string {
  const b = summary.balance;
  const lines: string[] = [];
  const span = summary.runs === 1 ? `run ${summary.lastRun}` : `runs ${summary.firstRun}-${summary.lastRun}`;
  const runs = summary.firstRun <= 1 ? plural(summary.runs, "run") : `${plural(summary.runs, "run")} (${span} of the state)`;
  lines.push(`${summary.stream}: ${runs}, ${plural(b.read, "record")} read in ${summary.seconds.toFixed(2)} s (${rate(b.read, summary.seconds * 1000)} records/s)`);
  lines.push("");
  const rows: string[][] = [["step", "kind", "in", "out", "ms", "records/s"]];
  for (const s of summary.steps) {
    const out = Object.entries(s.out).map(([port, n]) => `${port} ${int(n)}`).join(" · ");
    rows.push([s.step, s.kind, int(s.in), out || "-", ms(s.ms), s.ms < 1 ? "-" : rate(s.in, s.ms)]);
  }
  lines.push(...table(rows, new Set([2, 4, 5])));
  lines.push("");
  lines.push(`balance  ${balanceLine(b)}`);
  const undeclared = summary.steps.filter((s) => s.undeclaredFields > 0);
  if (undeclared.length) lines.push(`undeclared fields dropped: ${undeclared.map((s) => `${s.step} ${int(s.undeclaredFields)}${namesOf(s)}`).join(", ")}`);
  const failing = summary.steps.filter((s) => s.errors > 0);
  if (failing.length) {
    lines.push("", "function calls that failed (each gave null)");
    lines.push(...table(failing.map((s) => [s.step, plural(s.errors, "call"), `first: ${s.firstError ?? "?"}`]), new Set([1])).map((l) => `  ${l}`));
  }
  const open = Object.entries(summary.openSessions).filter(([, n]) => n > 0);
  if (open.length) lines.push(`open sessions kept in the state: ${open.map(([step, n]) => `${step} ${int(n)}`).join(", ")}`);
  const rejects = rejectRows(summary);
  if (rejects.length) {
    lines.push("", "rejects by step and reason");
    lines.push(...table(rejects.map((r) => [r.step, r.reason, int(r.count)]), new Set([2])).map((l) => `  ${l}`));
  }
  const audit = auditRows(summary);
  if (audit.length) {
    lines.push("", "audit events");
    lines.push(...table(audit.map((a) => [a.kind, int(a.count)]), new Set([1])).map((l) => `  ${l}`));
  }
  lines.push("", "written");
  const files = written.map((w) => [w.display, plural(w.records, "record")]);
  if (state) files.push([state.display, `state after run ${summary.lastRun}`]);
  lines.push(...table(files, new Set()).map((l) => `  ${l}`));
  return lines.join("\n") + "\n";
}

/** What the run adds to the report beyond the summed runs: the graph of the stream and the clock given. */
export interface ReportExtras {
  readonly graph?: StreamGraph;
  readonly now?: string;
}

/** The report as data: what `--json` prints and `--report` draws. */
export function reportOf(summary: Summary, written: ReadonlyArray<Written>, state?: { display: string }, extras: ReportExtras = {}): InvocationReport {
  return {
    stream: summary.stream,
    runs: summary.runs,
    firstRun: summary.firstRun,
    lastRun: summary.lastRun,
    seconds: Number(summary.seconds.toFixed(3)),
    steps: summary.steps.map((s) => ({ step: s.step, kind: s.kind, in: s.in, out: s.out, ms: Number(s.ms.toFixed(3)), ...(s.undeclaredFields ? { undeclaredFields: s.undeclaredFields } : {}), ...(s.undeclaredNames.size ? { undeclaredFieldNames: [...s.undeclaredNames] } : {}), ...(s.errors ? { errors: s.errors, firstError: s.firstError } : {}) })),
    balance: summary.balance,
    balanced: balanceHolds(summary.balance),
    openSessions: summary.openSessions,
    rejects: rejectRows(summary).map((r) => ({ ...r, samples: summary.samples.get(`${r.step}\u0000${r.reason}`) ?? [] })),
    audit: auditRows(summary),
    written: written.map((w) => ({ path: w.display, records: w.records })),
    ...(state ? { state: state.display } : {}),
    ...(extras.now !== undefined ? { now: extras.now } : {}),
    ...(extras.graph ? { graph: extras.graph } : {}),
  };
}

/** The report as one JSON object; sample records keep every digit of their numbers. */
export const renderJson = (report: InvocationReport): string => jsonText(report, 2) + "\n";
