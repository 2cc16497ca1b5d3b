// aggregate: adds each record into its session (one per key) and emits the
// sessions whose flush trigger has come, in the order they were opened.
//
// With `event time`, the aggregate's clock is its watermark: the largest event
// time it has seen (kept in the state across runs) minus its lateness, moved on
// by each record in arrival order, so that where chunks or runs end changes
// nothing. Triggers measure the watermark; with `after D idle` a key may have
// several session windows (records closer than D in event time share one, and a
// record that bridges two joins them), chained from the first. A record whose
// session is already due at the watermark goes to the `late` port instead.
import type { AggregateStep } from "../../plan/plan.js";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { decodeValue, encodeValue, timestampToIso } from "../../values/json.js";
import { Duration, Timestamp, setField, type Rec, type Value } from "../../values/value.js";
import { groupKey, keyAtomFor } from "../../values/keys.js";
import { generated, recordMaker, type RecordMaker } from "../../values/record-maker.js";
import type { SessionState } from "../state.js";
import { newFrame, type Frame } from "../../plan/env.js";
import { MAIN } from "../../model/ports.js";
import { LATE } from "../rejects.js";
import type { OpContext, OpenOperator, Ports } from "./types.js";

/**
 * A field's accumulators: with one call (the usual case) the accumulator itself, with
 * several a list of them. At a million sessions an array around every accumulator counts.
 */
type Accs = unknown;

/** A session while a run works on it (mutable, local to the run). */
export interface Session {
  readonly keys: Value[];
  first: number;
  last: number;
  readonly due: number | null;
  /** Event time with `after … idle`: the key's next session window (they do not overlap). */
  next?: Session | undefined;
  /** Per field: its accumulators (Accs), or for a drill-down its accumulators by sub-key (ByKey). */
  readonly fields: (Accs | ByKey)[];
}

/**
 * A drill-down's accumulators by sub-key: while it has few keys, a flat list
 * [key, accs, key, accs, …] of exactly their length (replaced, not grown, by a
 * new key), then a Map. Most sessions of a high-cardinality aggregate have one
 * or two sub-keys, and a Map of one entry costs about three times such a list.
 * Both keep the keys in the order first seen.
 */
type ByKey = unknown[] | Map<string, Accs>;
/** Sub-keys a flat list holds before it becomes a Map. */
const FLAT_KEYS = 8;
/** A drill-down with no key yet (shared: a first key replaces it). */
const NO_KEYS: unknown[] = [];

function byGet(by: ByKey, key: string): Accs | undefined {
  if (!Array.isArray(by)) return by.get(key);
  for (let j = 0; j < by.length; j += 2) if (by[j] === key) return by[j + 1];
  return undefined;
}

/** `by` with `key`'s accumulators set: the same list or Map, or a new one where it had no room. */
function bySet(by: ByKey, key: string, accs: Accs): ByKey {
  if (!Array.isArray(by)) return by.set(key, accs);
  for (let j = 0; j < by.length; j += 2) {
    if (by[j] === key) {
      by[j + 1] = accs;
      return by;
    }
  }
  return byAdded(by, key, accs);
}

/** `by` with `key`, which it does not hold yet: a list one entry longer, or a Map once the list is full. */
function byAdded(by: ByKey, key: string, accs: Accs): ByKey {
  if (!Array.isArray(by)) return by.set(key, accs);
  if (by.length >= 2 * FLAT_KEYS) return new Map([...byEntries(by), [key, accs]]);
  const next: unknown[] = new Array(by.length + 2);
  for (let j = 0; j < by.length; j++) next[j] = by[j];
  next[by.length] = key;
  next[by.length + 1] = accs;
  return next;
}

function byEntries(by: ByKey): [string, Accs][] {
  if (!Array.isArray(by)) return [...by];
  const out: [string, Accs][] = [];
  for (let j = 0; j < by.length; j += 2) out.push([by[j] as string, by[j + 1]]);
  return out;
}

/** SameValueZero, as Map keys compare. */
const sameAtom = (a: unknown, b: unknown): boolean => a === b || (a !== a && b !== b);

/**
 * The open sessions of one aggregate, in the order they were opened (for the
 * flush and the state), and an index from key values to session: a Map per key
 * position whose keys are the values themselves where they can be, so finding a
 * record's session builds no key string. Below a prefix of the keys that only one
 * session has, the index holds that session rather than a Map per further position
 * (with a million accounts, a Map per account would outweigh the sessions).
 */
export class Sessions {
  /** Every open session (windows included), in the order opened. */
  readonly order = new Set<Session>();
  /** Values: a Map for the next key position, or the (first window's) session. */
  private readonly index = new Map<unknown, unknown>();
  private readonly atomOf: ReadonlyArray<(v: Value) => unknown>;
  constructor(step: AggregateStep) {
    const schema = step.ports.find((p) => p.name === "main")?.schema ?? [];
    this.atomOf = step.keys.length ? step.keys.map((k) => keyAtomFor(schema.find((f) => f.name === k.name)?.type)) : [() => null];
  }
  get size(): number {
    return this.order.size;
  }
  /** The key values' atoms, into `out`. */
  atoms(keys: ReadonlyArray<Value>, out: unknown[]): unknown[] {
    const atomOf = this.atomOf;
    for (let i = 0; i < atomOf.length; i++) out[i] = atomOf[i]!(keys[i] ?? null);
    return out;
  }
  /** Whether session `s`'s atoms from position `from` on are `atoms`'. */
  private matches(s: Session, atoms: ReadonlyArray<unknown>, from: number): boolean {
    const atomOf = this.atomOf;
    for (let i = from; i < atomOf.length; i++) if (!sameAtom(atomOf[i]!(s.keys[i] ?? null), atoms[i])) return false;
    return true;
  }
  find(atoms: ReadonlyArray<unknown>): Session | undefined {
    let m = this.index;
    const last = atoms.length - 1;
    for (let i = 0; ; i++) {
      const v = m.get(atoms[i]);
      if (v === undefined) return undefined;
      if (i === last) return v as Session;
      if (v instanceof Map) m = v as Map<unknown, unknown>;
      else return this.matches(v as Session, atoms, i + 1) ? (v as Session) : undefined;
    }
  }
  add(s: Session): void {
    const atoms = this.atoms(s.keys, []);
    const last = atoms.length - 1;
    let m = this.index;
    for (let i = 0; ; i++) {
      const v = m.get(atoms[i]);
      if (v === undefined) {
        m.set(atoms[i], s);
        break;
      }
      if (v instanceof Map) {
        m = v as Map<unknown, unknown>;
        continue;
      }
      const head = v as Session;
      if (i === last || this.matches(head, atoms, i + 1)) {
        // Another window of a key that has one: at the end of its chain.
        let w = head;
        while (w.next) w = w.next;
        w.next = s;
        break;
      }
      // A second key under this prefix: the next position gets a Map, holding the first one's session.
      const next = new Map<unknown, unknown>([[this.atomOf[i + 1]!(head.keys[i + 1] ?? null), head]]);
      m.set(atoms[i], next);
      m = next;
    }
    this.order.add(s);
  }
  delete(s: Session): void {
    this.order.delete(s);
    const atoms = this.atoms(s.keys, []);
    const path: Map<unknown, unknown>[] = [];
    let m = this.index;
    let head: Session;
    for (let i = 0; ; i++) {
      path.push(m);
      const v = m.get(atoms[i]);
      if (v === undefined) return;
      if (v instanceof Map) m = v as Map<unknown, unknown>;
      else {
        head = v as Session;
        break;
      }
    }
    const at = path.length - 1;
    if (head !== s) {
      // A later window of its key: unlink it.
      for (let w: Session | undefined = head; w; w = w.next) if (w.next === s) w.next = s.next;
      s.next = undefined;
      return;
    }
    if (s.next) {
      path[at]!.set(atoms[at], s.next);
      s.next = undefined;
      return;
    }
    // Drop the entry, then every level it leaves empty.
    for (let i = at; i >= 0; i--) {
      path[i]!.delete(atoms[i]);
      if (path[i]!.size > 0) break;
    }
  }
  /** Every session gone at once (a flush of all of them). */
  clear(): void {
    this.order.clear();
    this.index.clear();
  }
}

/** A field's new accumulators (Accs). */
function newAccs(step: AggregateStep, field: number): Accs {
  const calls = step.fields[field]!.calls;
  return calls.length === 1 ? calls[0]!.aggregate.create() : calls.map((c) => c.aggregate.create());
}

function keyRecord(step: AggregateStep, keys: ReadonlyArray<Value>): Rec {
  const out: Record<string, Value> = {};
  step.keys.forEach((k, i) => setField(out, k.name, keys[i] ?? null));
  return out;
}

/** When `flush at` makes a session of these keys due (the earliest of its `at` triggers), or null. */
function dueOf(step: AggregateStep, keys: ReadonlyArray<Value>, ctx: OpContext, keyRec?: Rec): number | null {
  let due: number | null = null;
  for (const f of step.flush) {
    if (f.kind !== "at") continue;
    const at = f.at((keyRec ??= keyRecord(step, keys)), newFrame(ctx.env, 0));
    if (at instanceof Timestamp) due = due === null ? at.ms : Math.min(due, at.ms);
  }
  return due;
}

/** A new session; `at` is its first record's time: the run clock, or with `event time` the event time. */
function openSession(step: AggregateStep, keys: Value[], ctx: OpContext, at: number = ctx.nowMs, keyRec?: Rec): Session {
  return { keys, first: at, last: at, due: dueOf(step, keys, ctx, keyRec), fields: step.fields.map((f, i) => (f.by ? NO_KEYS : newAccs(step, i))) };
}

/** A drill-down key: map keys are strings; a null value is kept under "null" so nothing is lost. */
const subKey = (v: Value): string => (typeof v === "string" ? v : v === null ? "null" : String(v));

export function addRecords(step: AggregateStep, input: ReadonlyArray<Rec>, sessions: Sessions, ctx: OpContext): void {
  const frame = newFrame(ctx.env, 0);
  const fold = foldOf(step);
  const keyFns = step.keys.map((k) => k.value);
  const nKeys = keyFns.length;
  // One scratch tuple for every record; a session keeps its own copy.
  const keys: Value[] = new Array(nKeys);
  const atoms: unknown[] = new Array(Math.max(1, nKeys));
  for (const rec of input) {
    for (let i = 0; i < nKeys; i++) keys[i] = keyFns[i]!(rec, frame);
    let s = sessions.find(sessions.atoms(keys, atoms));
    if (!s) sessions.add((s = openSession(step, keys.slice(), ctx)));
    s.last = ctx.nowMs;
    fold(s, rec, frame);
  }
}

/** Adds one record's values into a session's accumulators (the loop every step can use; foldOf generates one per step). */
function loopFold(step: AggregateStep, s: Session, rec: Rec, frame: Frame): void {
  for (let i = 0; i < step.fields.length; i++) foldField(step, i, s, rec, frame);
}

/** Adds one record's values into field `i`'s accumulators. */
function foldField(step: AggregateStep, i: number, s: Session, rec: Rec, frame: Frame): void {
  const f = step.fields[i]!;
  const calls = f.calls;
  if (calls.length === 1) {
    const c = calls[0]!;
    const v = c.arg ? c.arg(rec, frame) : null;
    if (f.by) {
      const sub = subKey(f.by(rec, frame));
      const by = s.fields[i] as ByKey;
      if (Array.isArray(by)) {
        // One scan: the key's place, or the end (a new key).
        let j = 0;
        while (j < by.length && by[j] !== sub) j += 2;
        if (j < by.length) by[j + 1] = c.aggregate.add(by[j + 1], v);
        else s.fields[i] = byAdded(by, sub, c.aggregate.add(c.aggregate.create(), v));
      } else {
        const a = by.get(sub);
        const next = c.aggregate.add(a === undefined ? c.aggregate.create() : a, v);
        if (next !== a) by.set(sub, next);
      }
    } else s.fields[i] = c.aggregate.add(s.fields[i], v);
    return;
  }
  let accs: unknown[];
  if (f.by) {
    const sub = subKey(f.by(rec, frame));
    const by = s.fields[i] as ByKey;
    let a = byGet(by, sub) as unknown[] | undefined;
    if (!a) s.fields[i] = byAdded(by, sub, (a = newAccs(step, i) as unknown[]));
    accs = a;
  } else accs = s.fields[i] as unknown[];
  for (let j = 0; j < calls.length; j++) {
    const c = calls[j]!;
    accs[j] = c.aggregate.add(accs[j], c.arg ? c.arg(rec, frame) : null);
  }
}

type Fold = (s: Session, rec: Rec, frame: Frame) => void;

/**
 * loopFold generated per step, a call site per field, so that V8 sees one
 * accumulator and one argument at each (in a loop every field of every aggregate
 * step meets at the same call, and none of them is inlined). A field of one call
 * is written out, a drill-down's flat list scanned in place; a field of several
 * calls goes through the loop's code for that field alone.
 */
const folds = new WeakMap<AggregateStep, Fold>();
function foldOf(step: AggregateStep): Fold {
  let fold = folds.get(step);
  if (fold) return fold;
  const lines: string[] = [];
  step.fields.forEach((f, i) => {
    const arg = f.calls.length === 1 && f.calls[0]!.arg ? `arg[${i}](rec, frame)` : "null";
    if (f.calls.length !== 1) lines.push(`field(${i}, s, rec, frame);`);
    else if (!f.by) lines.push(`fs[${i}] = ag[${i}].add(fs[${i}], ${arg});`);
    else
      // The argument before the sub-key, as the loop evaluates them (a failing host function is reported in that order).
      lines.push(`{
  const v = ${arg};
  const sub = subKey(by[${i}](rec, frame));
  const a = ag[${i}];
  const list = fs[${i}];
  if (Array.isArray(list)) {
    let j = 0;
    while (j < list.length && list[j] !== sub) j += 2;
    if (j < list.length) list[j + 1] = a.add(list[j + 1], v);
    else fs[${i}] = byAdded(list, sub, a.add(a.create(), v));
  } else {
    const had = list.get(sub);
    const next = a.add(had === undefined ? a.create() : had, v);
    if (next !== had) list.set(sub, next);
  }
}`);
  });
  type Make = (ag: ReadonlyArray<unknown>, arg: ReadonlyArray<unknown>, by: ReadonlyArray<unknown>, subKey: unknown, byAdded: unknown, field: unknown) => Fold;
  const make = generated<Make>([], ["ag", "arg", "by", "subKey", "byAdded", "field"], `return (s, rec, frame) => {\nconst fs = s.fields;\n${lines.join("\n")}\n};`);
  const field = (i: number, s: Session, rec: Rec, frame: Frame): void => foldField(step, i, s, rec, frame);
  fold =
    make?.(
      step.fields.map((f) => (f.calls.length === 1 ? f.calls[0]!.aggregate : undefined)),
      step.fields.map((f) => (f.calls.length === 1 ? f.calls[0]!.arg : undefined)),
      step.fields.map((f) => f.by),
      subKey,
      byAdded,
      field,
    ) ?? ((s, rec, frame) => loopFold(step, s, rec, frame));
  folds.set(step, fold);
  return fold;
}

/** Folds window `later` into `into`: its accumulators, and its span of event time. */
function mergeInto(step: AggregateStep, into: Session, later: Session): void {
  const mergeAccs = (i: number, a: Accs, b: Accs): Accs => {
    const calls = step.fields[i]!.calls;
    if (calls.length === 1) return calls[0]!.aggregate.merge(a, b);
    calls.forEach((c, j) => ((a as unknown[])[j] = c.aggregate.merge((a as unknown[])[j], (b as unknown[])[j])));
    return a;
  };
  step.fields.forEach((f, i) => {
    const a = into.fields[i]!;
    const b = later.fields[i]!;
    if (f.by) {
      let mine = a as ByKey;
      for (const [k, accs] of byEntries(b as ByKey)) {
        const had = byGet(mine, k);
        mine = bySet(mine, k, had !== undefined ? mergeAccs(i, had, accs) : accs);
      }
      into.fields[i] = mine;
    } else into.fields[i] = mergeAccs(i, a, b);
  });
  into.first = Math.min(into.first, later.first);
  into.last = Math.max(into.last, later.last);
}

/** The clock of an event-time aggregate while a run works on it. */
export interface EventClock {
  /** The largest event time seen minus the lateness (ms), or null before the first record. */
  watermark: number | null;
}

/** `3d 4h`: a duration in its largest units, for messages. */
export function durationText(ms: number): string {
  const units: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length ? parts.join(" ") : "0s";
}

const isoOf = (ms: number): string => timestampToIso(ms) ?? String(ms);

/** The smallest `after D idle` of an aggregate (ms), or null without one. */
function idleGap(step: AggregateStep, ctx: OpContext): number | null {
  let gap: number | null = null;
  const frame = newFrame(ctx.env, 0);
  for (const f of step.flush) {
    if (f.kind !== "idle") continue;
    const d = f.idle({}, frame);
    if (d instanceof Duration) gap = gap === null ? d.ms : Math.min(gap, d.ms);
  }
  return gap;
}

/**
 * Event time: folds each record into its session window at the watermark, or
 * hands it to `late` (with why) when its session is already due. The watermark
 * moves on after each record, late ones included.
 */
export function addEventRecords(step: AggregateStep, input: ReadonlyArray<Rec>, sessions: Sessions, clock: EventClock, ctx: OpContext, late: Rec[], reasons: string[] | undefined): void {
  const eventTime = step.eventTime!;
  const frame = newFrame(ctx.env, 0);
  const fold = foldOf(step);
  const lateness = eventTime.lateness({}, frame);
  const latenessMs = lateness instanceof Duration ? lateness.ms : 0;
  const gap = idleGap(step, ctx);
  const hasAt = step.flush.some((f) => f.kind === "at");
  const keyFns = step.keys.map((k) => k.value);
  const nKeys = keyFns.length;
  const keys: Value[] = new Array(nKeys);
  const atoms: unknown[] = new Array(Math.max(1, nKeys));
  for (const rec of input) {
    const t = eventTime.at(rec, frame);
    if (!(t instanceof Timestamp)) {
      late.push(rec);
      reasons?.push("no event time: it is null, so the record has no place in any session");
      continue;
    }
    const ms = t.ms;
    const w = clock.watermark;
    for (let i = 0; i < nKeys; i++) keys[i] = keyFns[i]!(rec, frame);
    const head = sessions.find(sessions.atoms(keys, atoms));
    let keyRec: Rec | undefined;
    // Late: the session this record belongs to is due at the watermark (its `flush at` time, or its event time plus the idle gap).
    let closedAt: number | null = null;
    if (w !== null) {
      const due = hasAt ? (head ? head.due : dueOf(step, keys, ctx, (keyRec = keyRecord(step, keys)))) : null;
      if (due !== null && due <= w) closedAt = due;
      if (gap !== null && ms + gap <= w) closedAt = closedAt === null ? ms + gap : Math.min(closedAt, ms + gap);
    }
    if (w === null || ms - latenessMs > w) clock.watermark = ms - latenessMs;
    if (closedAt !== null) {
      late.push(rec);
      reasons?.push(`late by ${durationText(w! - closedAt)}: session closed at ${isoOf(closedAt)}`);
      continue;
    }
    let s: Session | undefined;
    if (gap === null) s = head;
    else {
      // The windows of this key the record falls within (closer than the gap to their span); several become one.
      for (let win = head; win; ) {
        const next = win.next;
        if (ms > win.first - gap && ms < win.last + gap) {
          if (!s) s = win;
          else {
            const [into, from] = win.first < s.first ? [win, s] : [s, win];
            mergeInto(step, into, from);
            sessions.delete(from);
            s = into;
          }
        }
        win = next;
      }
    }
    if (!s) sessions.add((s = openSession(step, keys.slice(), ctx, ms, keyRec)));
    if (ms < s.first) s.first = ms;
    if (ms > s.last) s.last = ms;
    fold(s, rec, frame);
  }
}

function fieldValue(step: AggregateStep, i: number, accs: Accs, keyRec: Rec, frame: ReturnType<typeof newFrame>): Value {
  const f = step.fields[i]!;
  const calls = f.calls;
  if (calls.length === 1) frame.locals[0] = calls[0]!.aggregate.result(accs);
  else calls.forEach((c, j) => (frame.locals[j] = c.aggregate.result((accs as unknown[])[j])));
  return f.result(keyRec, frame);
}

/**
 * Session records are made by one generated literal per step (keys, then fields), as map
 * records are: with many sessions (one per account) a spread and a store per field cost more
 * than the rest of the flush.
 */
const sessionMakers = new WeakMap<AggregateStep, RecordMaker>();

/** A session's record; `frame` (with the step's slots) may be shared by the sessions of one flush. */
export function sessionRecord(step: AggregateStep, s: Session, ctx: OpContext, frame: ReturnType<typeof newFrame> = newFrame(ctx.env, step.slots)): Rec {
  let make = sessionMakers.get(step);
  if (!make) sessionMakers.set(step, (make = recordMaker([...step.keys.map((k) => k.name), ...step.fields.map((f) => f.name)])));
  const keyRec = keyRecord(step, s.keys);
  const values: Value[] = step.keys.map((_, i) => s.keys[i] ?? null);
  step.fields.forEach((f, i) => {
    const acc = s.fields[i]!;
    values.push(
      f.by
        ? new Map(byEntries(acc as ByKey).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => [k, fieldValue(step, i, a, keyRec, frame)] as const))
        : fieldValue(step, i, acc, keyRec, frame),
    );
  });
  return make(values);
}

/** Whether every session is due, whatever its keys and times: no trigger needs to be asked per session. */
const allDue = (step: AggregateStep, ctx: OpContext): boolean =>
  ctx.final || (step.flush.some((f) => f.kind === "each-run") && step.flush.every((f) => f.kind === "each-run" || f.kind === "at"));

/**
 * Emits and removes the sessions whose trigger has come (all of them at the end
 * of input). `clock` is the run clock, or with `event time` the watermark (null: none yet).
 */
export function flushSessions(step: AggregateStep, sessions: Sessions, ctx: OpContext, clock: number | null = ctx.nowMs): Ports {
  const out: Rec[] = [];
  const frame = newFrame(ctx.env, 0);
  const recFrame = newFrame(ctx.env, step.slots);
  if (allDue(step, ctx)) {
    for (const s of sessions.order) out.push(sessionRecord(step, s, ctx, recFrame));
    sessions.clear();
    return new Map([["main", out]]);
  }
  for (const s of [...sessions.order]) {
    let rec: Rec | undefined;
    const due = step.flush.some((f) => {
      switch (f.kind) {
        case "each-run":
          return true;
        case "idle": {
          const idle = f.idle({}, frame);
          return idle instanceof Duration && clock !== null && s.last + idle.ms <= clock;
        }
        case "at":
          return s.due !== null && clock !== null && s.due <= clock;
        case "when":
          rec ??= sessionRecord(step, s, ctx, recFrame);
          return f.cond(rec, frame) === true;
      }
    });
    if (due) {
      out.push(rec ?? sessionRecord(step, s, ctx, recFrame));
      sessions.delete(s);
    }
  }
  return new Map([["main", out]]);
}

export function encodeSessions(step: AggregateStep, sessions: Sessions): SessionState[] {
  // A field's accumulators are kept as a list in the state, one or several.
  const enc = (i: number, accs: Accs) => {
    const calls = step.fields[i]!.calls;
    return calls.length === 1 ? [calls[0]!.aggregate.encode(accs)] : calls.map((c, j) => c.aggregate.encode((accs as unknown[])[j]));
  };
  return [...sessions.order].map((s) => ({
    key: groupKey(s.keys),
    keys: s.keys.map(encodeValue),
    first: s.first,
    last: s.last,
    due: s.due,
    fields: s.fields.map((f, i) => (step.fields[i]!.by ? byEntries(f as ByKey).map(([k, a]) => [k, enc(i, a)]) : enc(i, f))),
  }));
}

/** Rebuilds sessions from the state, or Left with what is damaged (the runner reports it before any run). */
export function readSessions(step: AggregateStep, saved: ReadonlyArray<SessionState>): Either<string, Sessions> {
  const out = new Sessions(step);
  const dec = (i: number, json: unknown): Either<string, Accs> => {
    const calls = step.fields[i]!.calls;
    if (!Array.isArray(json) || json.length !== calls.length) return left(`field \`${step.fields[i]!.name}\` does not hold a list of ${calls.length} accumulator(s)`);
    const accs: unknown[] = [];
    for (const [j, c] of calls.entries()) {
      const acc = c.aggregate.decode(json[j]);
      if (isLeft(acc)) return acc;
      accs.push(acc.right);
    }
    return right(calls.length === 1 ? accs[0] : accs);
  };
  for (const s of saved) {
    const keys: Value[] = [];
    for (const k of s.keys) {
      const v = decodeValue(k);
      if (isLeft(v)) return v;
      keys.push(v.right);
    }
    const atoms = out.atoms(keys, []);
    // With event time and `after … idle`, a key may have several windows.
    const windows = step.eventTime !== undefined && step.flush.some((f) => f.kind === "idle");
    if (s.key !== groupKey(keys) || (!windows && out.find(atoms))) return left(`session ${JSON.stringify(s.key)} does not match its keys or is there twice`);
    if (s.fields.length !== step.fields.length) {
      return left(`session ${JSON.stringify(s.key)} holds ${s.fields.length} field(s), the aggregate has ${step.fields.length} (${step.fields.map((f) => f.name).join(", ")})`);
    }
    const fields: Array<Accs | ByKey> = [];
    for (const [i, f] of s.fields.entries()) {
      if (!step.fields[i]!.by) {
        const accs = dec(i, f);
        if (isLeft(accs)) return accs;
        fields.push(accs.right);
        continue;
      }
      const pairs = `session ${JSON.stringify(s.key)}: field \`${step.fields[i]!.name}\` is not a list of [subkey, accumulators] pairs`;
      if (!Array.isArray(f)) return left(pairs);
      let byKey: ByKey = NO_KEYS;
      for (const entry of f as unknown[]) {
        if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string") return left(pairs);
        const accs = dec(i, entry[1]);
        if (isLeft(accs)) return accs;
        byKey = bySet(byKey, entry[0], accs.right);
      }
      fields.push(byKey);
    }
    out.add({ keys, first: s.first, last: s.last, due: s.due, fields });
  }
  return right(out);
}

/** The sessions of a state the runner has already read with readSessions: damage here is a defect. */
export function decodeSessions(step: AggregateStep, saved: ReadonlyArray<SessionState>): Sessions {
  const sessions = readSessions(step, saved);
  if (isLeft(sessions)) throw new Error(`internal: the state's sessions of \`${step.name}\` were checked but do not decode (${sessions.left})`);
  return sessions.right;
}

/** The operator: opens the saved sessions, folds every chunk in, flushes when its inputs are complete. */
export const openAggregate: OpenOperator<AggregateStep> = (step, saved, ctx) => {
  const sessions = decodeSessions(step, saved.sessions ?? []);
  let absorbed = 0;
  let created = 0;
  if (!step.eventTime) {
    return {
      take(_input, records) {
        addRecords(step, records, sessions, ctx);
        absorbed += records.length;
        return undefined;
      },
      finish() {
        const ports = flushSessions(step, sessions, ctx);
        created += ports.get(MAIN)!.length;
        return ports;
      },
      close: () => ({ state: { sessions: encodeSessions(step, sessions) }, balance: { absorbed, created }, openSessions: sessions.size }),
    };
  }
  const clock: EventClock = { watermark: saved.watermark ?? null };
  // Why each record is late, only when the reasons are shown (the `late` port goes to rejects).
  const port = step.ports.find((p) => p.name === LATE);
  const reasons: string[] | undefined = port && port.consumers === 0 && port.fate === "rejects" ? [] : undefined;
  let late = 0;
  return {
    take(_input, records) {
      const lateRecords: Rec[] = [];
      addEventRecords(step, records, sessions, clock, ctx, lateRecords, reasons);
      absorbed += records.length - lateRecords.length;
      late += lateRecords.length;
      return lateRecords.length ? new Map([[LATE, lateRecords]]) : undefined;
    },
    finish() {
      const ports = flushSessions(step, sessions, ctx, clock.watermark);
      created += ports.get(MAIN)!.length;
      return ports;
    },
    close: () => ({
      state: { sessions: encodeSessions(step, sessions), ...(clock.watermark !== null ? { watermark: clock.watermark } : {}) },
      balance: { absorbed, created, late },
      openSessions: sessions.size,
      ...(reasons ? { lateReasons: reasons } : {}),
    }),
  };
};
