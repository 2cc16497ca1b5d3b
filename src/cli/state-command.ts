// `interpret state show FILE [--json] [--key KEY]`: what a state file keeps, so an
// operator can see why a record was treated as a duplicate: the run number, the
// file positions, each dedup step's window and its keys by the run that first saw
// them, and each aggregate's open sessions. It reads the on-disk store and the
// JSON state files of earlier versions alike, and changes neither.
import fs from "node:fs";
import path from "node:path";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { StateCodec, type State } from "../index.js";
import { decodeStateFile, isStoreFile, StateStore, StoreDamaged } from "../io/index.js";
import { flagOption, stringOption, usageError, withCommand } from "./args.js";
import { EXIT, type Command } from "./cli-io.js";
import { STATE } from "./commands.js";
import { shownPath } from "./paths.js";

interface ChunkShown {
  /** The run that first saw these keys; null for keys migrated from a JSON state file (it did not record runs). */
  readonly run: number | null;
  readonly seenAt: string;
  /** When these keys are forgotten: seen at + the step's window (as of the last run). */
  readonly expiresAt: string | null;
  readonly keys: number;
}

interface StateShown {
  readonly file: string;
  readonly format: "store" | "json";
  readonly stream: string;
  readonly runs: number;
  readonly sources: Readonly<Record<string, unknown>>;
  readonly dedup: ReadonlyArray<{ readonly step: string; readonly window: string | null; readonly windowMs: number | null; readonly keys: number; readonly chunks: ReadonlyArray<ChunkShown> }>;
  readonly sessions: ReadonlyArray<{
    readonly step: string;
    readonly open: number;
    /** An event-time aggregate's watermark: records due at or before it are late. */
    readonly watermark: string | null;
    readonly sessions: ReadonlyArray<{ readonly key: string; readonly first: string; readonly last: string; readonly due: string | null }>;
  }>;
  /** With --key: where the key is remembered. */
  readonly found?: ReadonlyArray<{ readonly step: string; readonly run: number | null; readonly seenAt: string; readonly expiresAt: string | null }>;
}

/** A window in the language's duration units: 30d, 12h, 90s, 250ms. */
export function showWindow(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** A key as kept: a string key is its text; other values are kept encoded, shown as JSON text. */
const showKey = (k: string): string => (k.startsWith("\u0000") ? JSON.stringify(k) : k);

function sessionsOf(state: State | null): StateShown["sessions"] {
  if (!state) return [];
  const marks: Readonly<Record<string, number>> = state.watermarks ?? {};
  const steps = [...new Set([...Object.keys(state.sessions), ...Object.keys(marks)])];
  return steps.map((step) => ({ step, list: Object.hasOwn(state.sessions, step) ? state.sessions[step]! : [] })).map(({ step, list }) => ({
    step,
    open: list.length,
    watermark: Object.hasOwn(marks, step) ? iso(marks[step]!) : null,
    sessions: list.map((s) => ({ key: showKey(s.key), first: iso(s.first), last: iso(s.last), due: s.due === null ? null : iso(s.due) })),
  }));
}

function fromStore(store: StateStore, shown: string, key: string | undefined): StateShown {
  const state = store.state as State | null;
  const steps = store.describe();
  const windowOf = new Map(steps.map((s) => [s.step, s.windowMs ? s.windowMs : null]));
  const expires = (step: string, at: number): string | null => {
    const w = windowOf.get(step);
    return w ? iso(at + w) : null;
  };
  return {
    file: shown,
    format: "store",
    stream: store.stream,
    runs: store.runs,
    sources: state?.sources ?? {},
    dedup: steps.map((s) => ({
      step: s.step,
      window: s.windowMs ? showWindow(s.windowMs) : null,
      windowMs: s.windowMs ? s.windowMs : null,
      keys: s.keys,
      chunks: s.chunks.map((c) => ({ run: c.run, seenAt: iso(c.seenAt), expiresAt: expires(s.step, c.seenAt), keys: c.keys })),
    })),
    sessions: sessionsOf(state),
    ...(key !== undefined ? { found: store.find(key).map((f) => ({ step: f.step, run: f.run, seenAt: iso(f.seenAt), expiresAt: expires(f.step, f.seenAt) })) } : {}),
  };
}

function fromJson(state: State, stream: string, shown: string, key: string | undefined): StateShown {
  const dedup = Object.entries(state.dedup);
  return {
    file: shown,
    format: "json",
    stream,
    runs: state.runs,
    sources: state.sources,
    dedup: dedup.map(([step, chunks]) => ({
      step,
      window: null,
      windowMs: null,
      keys: chunks.reduce((n, [, keys]) => n + keys.length, 0),
      chunks: chunks.map(([at, keys]) => ({ run: null, seenAt: iso(at), expiresAt: null, keys: keys.length })),
    })),
    sessions: sessionsOf(state),
    ...(key !== undefined
      ? { found: dedup.flatMap(([step, chunks]) => chunks.filter(([, keys]) => keys.includes(key)).map(([at]) => ({ step, run: null, seenAt: iso(at), expiresAt: null }))) }
      : {}),
  };
}

function read(file: string, shown: string, key: string | undefined): Either<string, StateShown> {
  if (!fs.existsSync(file)) return left(`state file ${shown} does not exist`);
  if (!isStoreFile(file)) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      return left(`cannot read state file ${shown}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // A JSON state file names its stream; decodeStateFile gives every refusal its message.
    let stream = "";
    try {
      const parsed = JSON.parse(text) as { stream?: unknown };
      if (typeof parsed?.stream === "string") stream = parsed.stream;
    } catch {
      // decodeStateFile says what is wrong with it
    }
    const decoded = decodeStateFile(text, shown, stream, StateCodec);
    if (isLeft(decoded)) return left(decoded.left.message);
    return decoded.right.state ? right(fromJson(decoded.right.state, stream, shown, key)) : left(`state file ${shown} is empty`);
  }
  const opened = StateStore.open(file, "", { inspect: true });
  if (isLeft(opened)) return left(opened.left.message);
  const store = opened.right;
  try {
    return right(fromStore(store, shown, key));
  } catch (e) {
    if (e instanceof StoreDamaged) return left(`state file ${shown} is damaged: ${e.message}. Move it away to start fresh; it is never reset silently.`);
    throw e;
  } finally {
    store.close();
  }
}

function renderText(s: StateShown): string {
  const lines: string[] = [];
  lines.push(`state file ${s.file}: stream ${s.stream}, after run ${s.runs}${s.format === "json" ? " (a JSON state file of an earlier version; the next run with --state migrates it)" : ""}`);
  lines.push("", "file positions");
  const sources = Object.entries(s.sources);
  if (!sources.length) lines.push("  (none)");
  const width = Math.max(0, ...sources.map(([n]) => n.length)) + 2;
  for (const [name, pos] of sources) {
    const p = pos as { kind?: string; file?: string; line?: number; item?: number };
    lines.push(`  ${name.padEnd(width)}${p.kind === "after" ? `after line ${p.line} of ${p.file} (${p.item} items of that file)` : p.kind === "start" ? "at the start" : JSON.stringify(pos)}`);
  }
  lines.push("", "dedup keys");
  if (!s.dedup.length) lines.push("  (none)");
  for (const d of s.dedup) {
    lines.push(`  ${d.step}: ${d.keys.toLocaleString("en-US")} keys in ${d.chunks.length} chunk${d.chunks.length === 1 ? "" : "s"}${d.window ? `, within ${d.window}` : ""}`);
    for (const c of d.chunks) {
      lines.push(`    ${c.run === null ? "migrated" : `run ${c.run}`}: ${c.keys.toLocaleString("en-US")} keys first seen at ${c.seenAt}${c.expiresAt ? `, remembered until ${c.expiresAt}` : ""}`);
    }
  }
  lines.push("", "open sessions");
  if (!s.sessions.length) lines.push("  (none)");
  const SHOWN = 20;
  for (const a of s.sessions) {
    lines.push(`  ${a.step}: ${a.open} open${a.watermark ? `, event time watermark ${a.watermark}` : ""}`);
    for (const x of a.sessions.slice(0, SHOWN)) lines.push(`    ${x.key}: first ${x.first}, last ${x.last}${x.due ? `, due ${x.due}` : ""}`);
    if (a.open > SHOWN) lines.push(`    … and ${a.open - SHOWN} more (--json lists every one)`);
  }
  if (s.found) {
    lines.push("", "key");
    if (!s.found.length) lines.push("  not remembered by any dedup step: a record with it is not a duplicate");
    for (const f of s.found) {
      lines.push(`  remembered by ${f.step} since ${f.run === null ? "a run before the migration" : `run ${f.run}`} (${f.seenAt})${f.expiresAt ? `, until ${f.expiresAt}` : ""}: a record with it is a duplicate`);
    }
  }
  return lines.join("\n") + "\n";
}

export const stateCommand: Command = (argv, io) =>
  withCommand(STATE, argv, io, async (parsed) => {
    const [verb, file, ...extra] = parsed.positionals;
    if (verb !== "show") {
      io.stderr(usageError(STATE, verb === undefined ? "name what to do: state show FILE" : `unknown state command \`${verb}\` (the one there is: show)`));
      return EXIT.usage;
    }
    if (file === undefined || extra.length) {
      io.stderr(usageError(STATE, file === undefined ? "name the state file to show" : "name one state file"));
      return EXIT.usage;
    }
    const absolute = path.resolve(io.cwd, file);
    const shown = read(absolute, shownPath(io.cwd, absolute), stringOption(parsed, "key"));
    if (isLeft(shown)) {
      io.stderr(`interpret: ${shown.left}\n`);
      return EXIT.usage;
    }
    io.stdout(flagOption(parsed, "json") ? JSON.stringify(shown.right, null, 2) + "\n" : renderText(shown.right));
    return EXIT.ok;
  });
