// A map from string keys to values for the hundreds of thousands of keys a dedup
// step remembers: open addressing with linear probing over one Int32Array of
// [hash, entry] pairs, the keys and values in two plain arrays.
//
// Why not a Map: a Map of that many keys lives in memory no cache holds, and a
// lookup of a key it lacks (the common case: most keys are new) walks its bucket,
// the chained entries and their key strings, a cache miss each; on the in-memory
// bench its has + set cost about 600 ms per million keys. Here a lookup reads the
// key's own characters (to hash them) and one pair of slots, and compares a key
// string only when its 32-bit hash matches; `set` right after a `has` that missed
// reuses that probe. The hash is seeded per process, so keys chosen to collide
// cannot be prepared in advance (the table's order is never observable).
import { mix32 } from "./random.js";

/** Slots per key at most: the table doubles when it is half full, so probes stay short. */
const LOAD = 2;
const MIN_SLOTS = 16;

const SEED = (Math.random() * 4294967296) >>> 0;

/** A 32-bit hash of a string's UTF-16 code units (FNV-1a from the process's seed, then mixed). */
function hashKey(key: string): number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mix32(h ^ key.length) | 0;
}

export class KeyTable<V> {
  /** Per slot: [hash, entry + 1]; entry + 1 = 0 is an empty slot. */
  private slots: Int32Array;
  private mask: number;
  private readonly keys: (string | undefined)[] = [];
  private readonly values: (V | undefined)[] = [];
  /** Entries freed by `delete`, reused by `set`. */
  private readonly free: number[] = [];
  private count = 0;
  /** The last lookup that missed: its key, hash and the empty slot its probe ended at (see `set`). */
  private missKey: string | undefined = undefined;
  private missHash = 0;
  private missSlot = 0;

  /** A table with room for `expected` keys before it grows. */
  constructor(expected = 0) {
    let n = MIN_SLOTS;
    while (n < expected * LOAD) n *= 2;
    this.slots = new Int32Array(n * 2);
    this.mask = n - 1;
  }

  get size(): number {
    return this.count;
  }

  /** How many keys fit before the table grows. */
  get capacity(): number {
    return (this.mask + 1) / LOAD;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  get(key: string): V | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.values[this.slots[slot * 2 + 1]! - 1];
  }

  /** Adds `key` with `value`, or replaces the value it has. */
  set(key: string, value: V): void {
    // Unless a `has` or `get` of this key just missed (and nothing changed since), probe for it;
    // either way a miss leaves the empty slot its probe ended at.
    if (key !== this.missKey) {
      const found = this.find(key);
      if (found >= 0) {
        this.values[this.slots[found * 2 + 1]! - 1] = value;
        return;
      }
    }
    const slot = this.missSlot;
    const h = this.missHash;
    this.missKey = undefined;
    const entry = this.free.length > 0 ? this.free.pop()! : this.keys.length;
    this.keys[entry] = key;
    this.values[entry] = value;
    this.slots[slot * 2] = h;
    this.slots[slot * 2 + 1] = entry + 1;
    if (++this.count * LOAD > this.mask + 1) this.grow();
  }

  /** Removes `key`; with `only`, only while its value is that one. True when it was removed. */
  delete(key: string, only?: V): boolean {
    const slot = this.find(key);
    if (slot < 0) return false;
    const s = this.slots;
    const entry = s[slot * 2 + 1]! - 1;
    if (only !== undefined && this.values[entry] !== only) return false;
    this.missKey = undefined;
    this.keys[entry] = undefined;
    this.values[entry] = undefined;
    this.free.push(entry);
    this.count--;
    // Backward-shift deletion: every later slot of the run whose home is not
    // between the hole and itself moves into the hole, so no probe stops early.
    const m = this.mask;
    let hole = slot;
    for (let j = (slot + 1) & m; s[j * 2 + 1] !== 0; j = (j + 1) & m) {
      const home = s[j * 2]! & m;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      s[hole * 2] = s[j * 2]!;
      s[hole * 2 + 1] = s[j * 2 + 1]!;
      hole = j;
    }
    s[hole * 2] = 0;
    s[hole * 2 + 1] = 0;
    // Once most entries are free (a window's keys expired after a busy spell), the
    // arrays and slots shrink to what is kept, as a Map would.
    if (this.free.length >= MIN_SLOTS && this.free.length * 2 > this.keys.length) this.compact();
    return true;
  }

  /** The slot holding `key`, or -1 (remembering the miss for `set`). */
  private find(key: string): number {
    const h = hashKey(key);
    const s = this.slots;
    const m = this.mask;
    for (let i = h & m; ; i = (i + 1) & m) {
      const entry = s[i * 2 + 1]!;
      if (entry === 0) {
        this.missKey = key;
        this.missHash = h;
        this.missSlot = i;
        return -1;
      }
      if (s[i * 2] === h && this.keys[entry - 1] === key) return i;
    }
  }

  /** Twice the slots, every entry placed again from its stored hash (no key is read). */
  private grow(): void {
    this.rehash((this.mask + 1) * 2, (entry) => entry);
  }

  /** The entries renumbered without the free ones, in as few slots as the kept keys need. */
  private compact(): void {
    const keys = this.keys.slice();
    const values = this.values.slice();
    this.keys.length = 0;
    this.values.length = 0;
    this.free.length = 0;
    let n = MIN_SLOTS;
    while (n < this.count * LOAD) n *= 2;
    this.rehash(n, (entry) => {
      this.keys.push(keys[entry - 1]);
      this.values.push(values[entry - 1]);
      return this.keys.length;
    });
  }

  /** `n` slots, every entry placed again from its stored hash (no key is read), numbered by `renumber`. */
  private rehash(n: number, renumber: (entry: number) => number): void {
    const old = this.slots;
    const s = new Int32Array(n * 2);
    const m = n - 1;
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i + 1]!;
      if (entry === 0) continue;
      let j = old[i]! & m;
      while (s[j * 2 + 1] !== 0) j = (j + 1) & m;
      s[j * 2] = old[i]!;
      s[j * 2 + 1] = renumber(entry);
    }
    this.slots = s;
    this.mask = m;
    this.missKey = undefined;
  }
}
