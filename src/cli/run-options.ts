// The options of `interpret [run] FILE`, parsed with node:util parseArgs and
// checked before anything is read: a bad value is a usage error (exit 2).
import { parseArgs } from "node:util";
import { toTimestamp } from "../runtime/runner.js";
import type { Timestamp } from "../values/value.js";

export interface RunOptions {
  readonly file: string;
  readonly out?: string;
  readonly state?: string;
  readonly now?: Timestamp;
  readonly runs?: number;
  readonly params: Readonly<Record<string, string>>;
  /** SOURCE -> a path, or "-" for standard input. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly json: boolean;
}

export const RUN_USAGE =
  "usage: interpret [run] FILE.stream [--out DIR] [--state FILE] [--now TIMESTAMP] [--runs N]\n" +
  "                 [--param NAME=VALUE]… [--input SOURCE=PATH|-]… [--json]";

/** `K=V` pairs of a repeatable option, or a message. */
function pairs(values: ReadonlyArray<string>, option: string, example: string): Record<string, string> | string {
  // Names are the user's (`--input __proto__=…`): no prototype to collide with.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) return `${option} takes NAME=VALUE, got \`${v}\` (e.g. ${option} ${example})`;
    const name = v.slice(0, eq);
    if (Object.hasOwn(out, name)) return `${option} ${name} is given twice`;
    out[name] = v.slice(eq + 1);
  }
  return out;
}

export function parseRunOptions(argv: ReadonlyArray<string>): RunOptions | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string" },
        state: { type: "string" },
        now: { type: "string" },
        runs: { type: "string" },
        param: { type: "string", multiple: true },
        input: { type: "string", multiple: true },
        json: { type: "boolean" },
      },
    });
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--foo'"; keep its words, lose its stack.
    return error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, "") : String(error);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) return "name the stream to run";
  if (positionals.length > 1) return `one stream at a time, got ${positionals.map((p) => `\`${p}\``).join(" ")}`;
  let now: Timestamp | undefined;
  if (values.now !== undefined) {
    now = toTimestamp(values.now);
    if (!now) return `--now takes an ISO-8601 timestamp such as 2026-11-20T12:00:00Z, got \`${values.now}\``;
  }
  let runs: number | undefined;
  if (values.runs !== undefined) {
    runs = /^[0-9]+$/.test(values.runs) ? Number(values.runs) : NaN;
    if (!Number.isSafeInteger(runs) || runs < 1) return `--runs takes a whole number of runs, 1 or more, got \`${values.runs}\``;
  }
  const params = pairs(values.param ?? [], "--param", "region=EU");
  if (typeof params === "string") return params;
  const inputs = pairs(values.input ?? [], "--input", "orders=data/orders.jsonl");
  if (typeof inputs === "string") return inputs;
  for (const [k, v] of Object.entries(inputs)) if (v === "") return `--input ${k}= needs a path, or - for standard input`;
  if (Object.values(inputs).filter((v) => v === "-").length > 1) return "only one --input can read standard input";
  for (const [flag, v] of [["--out", values.out], ["--state", values.state]] as const) if (v === "") return `${flag} needs a path`;
  return {
    file: positionals[0]!,
    params,
    inputs,
    json: values.json === true,
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.state !== undefined ? { state: values.state } : {}),
    ...(now ? { now } : {}),
    ...(runs !== undefined ? { runs } : {}),
  };
}
