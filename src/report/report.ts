// The report of one invocation as data: what `interpret FILE --json` prints and
// what `interpret report run.json` reads back. One shape for both, decoded with
// io-ts where it comes back in (a saved file is outside data). Fields added
// later (`graph`, `samples`, `now`) are optional, so a report saved by an older
// interpreter still reads, only with less to show.
import * as t from "io-ts";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { PALETTE, type StreamGraph } from "../graph/model.js";
import { MAIN } from "../model/ports.js";

const count = t.number;

const StepCodec = t.intersection([
  t.type({ step: t.string, kind: t.string, in: count, out: t.record(t.string, count), ms: t.number }),
  t.partial({ undeclaredFields: count, undeclaredFieldNames: t.readonlyArray(t.string), errors: count, firstError: t.string }),
]);

/** A reject kept as an example of its reason: the reject record as written to `out/rejects.jsonl`. */
const SampleCodec = t.UnknownRecord;

const RejectCodec = t.intersection([t.type({ step: t.string, reason: t.string, count }), t.partial({ samples: t.readonlyArray(SampleCodec) })]);

const BalanceCodec = t.intersection([
  t.type({ read: count, created: count, delivered: count, absorbed: count, duplicates: count, rejected: count, dropped: count }),
  // Only in streams with an event-time aggregate (docs/language.md, "Event time").
  t.partial({ late: count }),
]);

const NodeKindCodec = t.keyof(PALETTE);

const GraphCodec = t.type({
  stream: t.string,
  nodes: t.readonlyArray(t.intersection([t.type({ id: t.string, name: t.string, kind: NodeKindCodec }), t.partial({ detail: t.string })])),
  edges: t.readonlyArray(t.intersection([t.type({ from: t.string, to: t.string, kind: t.keyof({ flow: null, table: null, reject: null }) }), t.partial({ label: t.string })])),
});

export const InvocationReportCodec = t.intersection([
  t.type({
    stream: t.string,
    runs: count,
    firstRun: count,
    lastRun: count,
    seconds: t.number,
    steps: t.readonlyArray(StepCodec),
    balance: BalanceCodec,
    balanced: t.boolean,
    openSessions: t.record(t.string, count),
    rejects: t.readonlyArray(RejectCodec),
    audit: t.readonlyArray(t.type({ kind: t.string, count })),
    written: t.readonlyArray(t.type({ path: t.string, records: count })),
  }),
  t.partial({ state: t.string, now: t.string, graph: GraphCodec }),
]);

/** The report of an invocation (`interpret FILE --json`). */
export type InvocationReport = t.TypeOf<typeof InvocationReportCodec>;
export type ReportStep = t.TypeOf<typeof StepCodec>;
export type ReportReject = t.TypeOf<typeof RejectCodec>;

/** How many reject records are kept per step and reason as examples. */
export const SAMPLES_PER_REASON = 3;

/** The first failing field of a decode, as a path a user can find in the file: `steps[2].in: missing`. */
function firstProblem(errors: t.Errors): string {
  const e = errors[0];
  if (!e) return "not a report";
  let path = "";
  for (let i = 1; i < e.context.length; i++) {
    const parent = e.context[i - 1]!.type;
    const key = e.context[i]!.key;
    // An intersection's members are not places in the file.
    if (parent instanceof t.IntersectionType) continue;
    path += parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType ? `[${key}]` : path ? `.${key}` : key;
  }
  const got = e.value === undefined ? "missing" : `expected ${e.context[e.context.length - 1]!.type.name}, got ${(JSON.stringify(e.value) ?? String(e.value)).slice(0, 40)}`;
  return path ? `${path}: ${got}` : `not a report of \`interpret FILE --json\``;
}

/** A saved report (the parsed JSON of `interpret FILE --json`), or what is wrong with it. */
export function decodeReport(value: unknown): Either<string, InvocationReport> {
  const decoded = InvocationReportCodec.decode(value);
  if (isLeft(decoded)) return left(firstProblem(decoded.left));
  const r = decoded.right;
  // The graph's edges must name its nodes, or the picture would point nowhere.
  if (r.graph) {
    const ids = new Set(r.graph.nodes.map((n) => n.id));
    const bad = r.graph.edges.find((e) => !ids.has(e.from) || !ids.has(e.to));
    if (bad) return left(`graph.edges: an edge from \`${bad.from}\` to \`${bad.to}\` names no node`);
  }
  return right(r);
}

/**
 * The records an edge of the graph carried over the invocation, from its producer's
 * port counts (a port that feeds several steps carries its count to each); undefined
 * for a table lookup, which carries no records.
 */
export function edgeCount(report: InvocationReport, edge: StreamGraph["edges"][number]): number | undefined {
  if (edge.kind === "table") return undefined;
  const step = report.steps.find((s) => s.step === edge.from);
  const port = edge.label ?? MAIN;
  return step && Object.hasOwn(step.out, port) ? step.out[port] : undefined;
}
