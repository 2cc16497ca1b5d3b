// The options of `interpret [run] FILE`, checked before anything is read: a
// bad value is a usage error (exit 2).
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { toTimestamp, type Timestamp } from "../index.js";
import { listOption, parseCommand, stringOption, flagOption, type Parsed } from "./args.js";
import { RUN } from "./commands.js";

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
  /** `--report FILE`: the HTML page of the report. */
  readonly report?: string;
}

/** `K=V` pairs of a repeatable option, or a message. */
function pairs(values: ReadonlyArray<string>, option: string, example: string): Either<string, Record<string, string>> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) return left(`${option} takes NAME=VALUE, got \`${v}\` (e.g. ${option} ${example})`);
    const name = v.slice(0, eq);
    if (Object.hasOwn(out, name)) return left(`${option} ${name} is given twice`);
    out[name] = v.slice(eq + 1);
  }
  return right(out);
}

/** The run options of a parsed command line, or the usage error. */
export function runOptions(parsed: Parsed): Either<string, RunOptions> {
  const { positionals } = parsed;
  if (positionals.length === 0) return left("name the stream to run");
  if (positionals.length > 1) return left(`one stream at a time, got ${positionals.map((p) => `\`${p}\``).join(" ")}`);
  const nowText = stringOption(parsed, "now");
  let now: Timestamp | undefined;
  if (nowText !== undefined) {
    now = toTimestamp(nowText);
    if (!now) return left(`--now takes an ISO-8601 timestamp such as 2026-11-20T12:00:00Z, got \`${nowText}\``);
  }
  const runsText = stringOption(parsed, "runs");
  let runs: number | undefined;
  if (runsText !== undefined) {
    runs = /^[0-9]+$/.test(runsText) ? Number(runsText) : NaN;
    if (!Number.isSafeInteger(runs) || runs < 1) return left(`--runs takes a whole number of runs, 1 or more, got \`${runsText}\``);
  }
  const params = pairs(listOption(parsed, "param"), "--param", "region=EU");
  if (isLeft(params)) return params;
  const inputs = pairs(listOption(parsed, "input"), "--input", "orders=data/orders.jsonl");
  if (isLeft(inputs)) return inputs;
  for (const [k, v] of Object.entries(inputs.right)) if (v === "") return left(`--input ${k}= needs a path, or - for standard input`);
  if (Object.values(inputs.right).filter((v) => v === "-").length > 1) return left("only one --input can read standard input");
  const out = stringOption(parsed, "out");
  const state = stringOption(parsed, "state");
  const report = stringOption(parsed, "report");
  for (const [flag, v] of [["--out", out], ["--state", state], ["--report", report]] as const) if (v === "") return left(`${flag} needs a path`);
  return right({
    file: positionals[0]!,
    params: params.right,
    inputs: inputs.right,
    json: flagOption(parsed, "json"),
    ...(out !== undefined ? { out } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(report !== undefined ? { report } : {}),
    ...(now ? { now } : {}),
    ...(runs !== undefined ? { runs } : {}),
  });
}

/** Parses `interpret [run]`'s argv: the options, or the usage error. */
export function parseRunOptions(argv: ReadonlyArray<string>): Either<string, RunOptions> {
  const parsed = parseCommand(RUN, argv);
  return isLeft(parsed) ? parsed : runOptions(parsed.right);
}
