// Objects keyed by names users choose (steps, ports, sources, sinks, tables): a step named
// `__proto__` or `constructor` is plain data, never a property of Object.prototype.

/** An empty object with no prototype, so any name is an ordinary own key. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** `o[key]` when `o` has it itself (a host's plain `{}` would answer `constructor` from its prototype). */
export function own<T>(o: Readonly<Record<string, T>>, key: string): T | undefined {
  return hasOwn.call(o, key) ? o[key] : undefined;
}

/** `o[key] = value` that makes `__proto__` an own key too, for objects a host receives as plain `{}`. */
export function put<T>(o: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
