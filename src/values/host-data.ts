// Reading what a host hands the API (compile options, runner options, run
// requests): read once and checked before anything runs.
// A host may hand anything (a number for a batch, a Proxy whose traps throw, a
// getter that throws): every read of host data here is guarded, and every
// problem becomes one message naming the bad part, so the runner can refuse the
// call with RunnerError and stay as it was.
import { left, right, type Either } from "fp-ts/lib/Either.js";

/** A short, safe description of any value for a message (never throws, never prints a whole object). */
export function describeValue(v: unknown): string {
  try {
    if (v === undefined) return "nothing";
    if (v === null) return "null";
    if (typeof v === "string") return v.length > 40 ? `a string ${JSON.stringify(v.slice(0, 40))}…` : `the string ${JSON.stringify(v)}`;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return `${typeof v} ${String(v)}`;
    if (typeof v === "function") return "a function";
    if (typeof v === "symbol") return "a symbol";
    if (Array.isArray(v)) return "an array";
    return "an object";
  } catch {
    // A revoked Proxy throws even on Array.isArray.
    return "an unreadable value";
  }
}

/** The message of anything thrown, safely. */
export function thrownMessage(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return describeValue(e);
  } catch {
    return "an unreadable exception";
  }
}

/** Host data is checked by readers that collect problems instead of throwing. */
export class HostReader {
  readonly problems: string[] = [];

  problem(message: string): undefined {
    this.problems.push(message);
    return undefined;
  }

  /** `obj[key]`, or undefined with a problem when the read throws; `where` may be made only then. */
  get(obj: object, key: string, where: string | (() => string)): unknown {
    try {
      return (obj as Record<string, unknown>)[key];
    } catch (e) {
      return this.problem(`${typeof where === "string" ? where : where()}: reading \`${key}\` threw ${thrownMessage(e)}`);
    }
  }

  /** A plain object's own keys and values (undefined and no problem when `v` is undefined). */
  entries(v: unknown, where: string, what: string): Array<[string, unknown]> | undefined {
    if (v === undefined) return undefined;
    if (!isObject(v)) return this.problem(`${where} must be an object of ${what}, got ${describeValue(v)}`);
    let keys: string[];
    try {
      keys = Object.keys(v);
    } catch (e) {
      return this.problem(`${where}: listing its keys threw ${thrownMessage(e)}`);
    }
    const out: Array<[string, unknown]> = [];
    for (const k of keys) {
      const before = this.problems.length;
      const value = this.get(v, k, where);
      if (this.problems.length === before) out.push([k, value]);
    }
    return out;
  }

  /** An array's elements, read once (undefined with a problem when it is not an array or cannot be read). */
  array(v: unknown, where: string): unknown[] | undefined {
    let isArray: boolean;
    try {
      isArray = Array.isArray(v);
    } catch (e) {
      return this.problem(`${where} cannot be read: ${thrownMessage(e)}`);
    }
    if (!isArray) return this.problem(`${where} must be an array, got ${describeValue(v)}`);
    try {
      return Array.prototype.slice.call(v) as unknown[];
    } catch (e) {
      return this.problem(`${where} cannot be read: ${thrownMessage(e)}`);
    }
  }

  /** An optional boolean flag. */
  flag(obj: object, key: string, where: string): boolean {
    const v = this.get(obj, key, where);
    if (v === undefined || v === false) return false;
    if (v === true) return true;
    this.problem(`${where}: \`${key}\` must be true or false, got ${describeValue(v)}`);
    return false;
  }
}

/** An object that is not an array (a Proxy of one counts as what it pretends to be). */
export function isObject(v: unknown): v is object {
  try {
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * A deep copy of JSON-shaped host data (the saved state), which evaluates each
 * getter once and fails on cycles; or the reason it cannot be copied.
 */
export function copyJson(v: unknown): Either<string, unknown> {
  try {
    const text = JSON.stringify(v);
    return right(text === undefined ? undefined : (JSON.parse(text) as unknown));
  } catch (e) {
    return left(thrownMessage(e));
  }
}
