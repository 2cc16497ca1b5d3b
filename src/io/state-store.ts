// The state behind `--state FILE`: an SQLite database (better-sqlite3) that
// keeps the dedup keys on disk, a chunk of keys per run with a Bloom filter
// in front of each (bloom.ts) and one more over each group of consecutive
// chunks (so a never-seen key probes a filter per group, not per run), and
// the rest of the run state (runs, open
// sessions, file positions) as one JSON value. A run reads only what it looks
// up and a commit writes only what changed: the run's new keys (appended
// after the step's last chunk, so they fill new pages rather than dirtying old
// ones), the chunks whose window has passed (deleted as a range), and the JSON
// value. Why SQLite, and the layout: docs/internals.md, "State".
//
// The store knows nothing of the language: keys are strings, windows and
// clocks milliseconds. It answers the runtime's KeyStore interface
// (src/runtime/state.ts) by shape.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { right } from "fp-ts/lib/Either.js";
import type Database from "better-sqlite3";
import { BloomFilter, keyHashes } from "./bloom.js";
import { displayPath } from "./display-path.js";
import { describeError, failure, type IoResult } from "./item.js";

// better-sqlite3 (CommonJS, with a native addon) is loaded when a store is first opened, not
// when io is imported: a run without --state does not pay for it (docs/internals.md, "Start-up").
const require = createRequire(import.meta.url);
let sqlite: typeof Database | undefined;
const openDatabase = (file: string, options?: Database.Options): Database.Database => new (sqlite ??= require("better-sqlite3") as typeof Database)(file, options);

export const STORE_FORMAT = "peppa-stream/state-store";
/** The version of the store's tables; the JSON value inside has the runtime's own version. */
export const STORE_VERSION = 2;
/** Version 1 had no group filters; it is upgraded in place when opened for a run. */
const UPGRADABLE_VERSION = "1";
/** The first bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

const MOVE_AWAY = "Move it away to start fresh; it is never reset silently.";

const GROUPS_SCHEMA = `CREATE TABLE groups (
  step INTEGER NOT NULL, first_chunk INTEGER NOT NULL, last_chunk INTEGER NOT NULL, capacity INTEGER NOT NULL,
  keys INTEGER NOT NULL, filter BLOB NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (step, first_chunk));`;

/**
 * A group holds the keys of up to GROUP_RUNS runs of the size of its first (at
 * least MIN_GROUP_KEYS keys): probes per lookup fall by that factor, and a
 * commit rewrites the open group's filter (10 bits per key of its capacity: 2 MB
 * for runs of 100,000 keys), which does not grow with what is remembered.
 */
const GROUP_RUNS = 16;
const MIN_GROUP_KEYS = 65_536;
/**
 * A group's filter is only a first sieve (a "maybe" probes its chunks' filters, each 1 in 10,000),
 * so it has half their bits: about 1 false "maybe" in 100, for half the bytes each commit rewrites.
 */
const GROUP_BITS_PER_KEY = 10;

const SCHEMA = `
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE steps (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, window_ms INTEGER NOT NULL);
CREATE TABLE chunks (
  step INTEGER NOT NULL, chunk INTEGER NOT NULL, run INTEGER, seen_at INTEGER NOT NULL,
  keys INTEGER NOT NULL, filter BLOB NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (step, chunk));
CREATE TABLE keys (step INTEGER NOT NULL, chunk INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (step, chunk, key)) WITHOUT ROWID;
${GROUPS_SCHEMA}
`;

/** One run's keys of one step, with its filter. `run` is null for keys migrated from a JSON state file. */
export interface Chunk {
  readonly chunk: number;
  readonly run: number | null;
  readonly seenAt: number;
  readonly keys: number;
  readonly filter: BloomFilter;
}

/**
 * A filter over every key of the chunks first..last of a step (those that have
 * expired too, until all have: a stale bit only costs a probe of the chunks').
 * The last group takes the next run's keys while they fit its capacity.
 */
interface Group {
  readonly first: number;
  readonly last: number;
  readonly capacity: number;
  readonly keys: number;
  readonly filter: BloomFilter;
}

/** Whether chunk number `chunk` is one of the group's. */
const covers = (g: Group, chunk: number): boolean => chunk >= g.first && chunk <= g.last;

/** A new group's capacity: GROUP_RUNS runs of the size of its first, at least `least` keys. */
const groupCapacity = (firstKeys: number, least: number): number => Math.max(GROUP_RUNS * firstKeys, least);

interface StepKeys {
  id: number;
  windowMs: number | undefined;
  /** Oldest first. */
  chunks: Chunk[];
  /** Oldest first; chunks of a store of version 1 are in none. */
  groups: Group[];
  known: boolean;
}

/** What one lookup probes: a filter, and behind it the chunks it covers, newest first. */
interface Probe {
  readonly filter: BloomFilter;
  readonly chunks: ReadonlyArray<Chunk>;
}

/** What one run staged for one step: committed with the run, or dropped. */
interface Pending {
  readonly step: StepKeys;
  readonly windowMs: number;
  readonly nowMs: number;
  readonly expired: ReadonlyArray<Chunk>;
  readonly added: Set<string>;
}

/** What `interpret state show` prints of one step. */
export interface StepDescription {
  readonly step: string;
  readonly windowMs: number | undefined;
  readonly keys: number;
  readonly chunks: ReadonlyArray<{ readonly chunk: number; readonly run: number | null; readonly seenAt: number; readonly keys: number }>;
}

const digestOf = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** A failure of the database while it is in use: the CLI names the state file and exits 2. */
export class StoreDamaged extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreDamaged";
  }
}

export class StateStore {
  private readonly steps = new Map<string, StepKeys>();
  private readonly pending = new Map<string, Pending>();
  private readonly lookup: Database.Statement;
  /** The store version this file had when opened, where opening upgraded it (1), for the CLI's note. */
  upgradedFrom: number | undefined;
  private runsValue: number;
  private stateValue: unknown;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    readonly stream: string,
    /** The fewest keys a new group is made for (specs make it small to see many groups). */
    private readonly groupKeys: number,
  ) {
    this.lookup = db.prepare("SELECT 1 FROM keys WHERE step = ? AND chunk = ? AND key = ?").pluck();
    const meta = new Map((db.prepare("SELECT name, value FROM meta").all() as { name: string; value: string }[]).map((r) => [r.name, r.value]));
    this.runsValue = Number(meta.get("runs"));
    const text = meta.get("state") ?? "null";
    if (digestOf(Buffer.from(text, "utf8")) !== meta.get("state_digest")) throw new StoreDamaged("its run state does not match its checksum");
    try {
      this.stateValue = JSON.parse(text);
    } catch (e) {
      throw new StoreDamaged(`its run state is not JSON (${describeError(e)})`);
    }
    for (const s of db.prepare("SELECT id, name, window_ms FROM steps").all() as { id: number; name: string; window_ms: number }[]) {
      this.steps.set(s.name, { id: s.id, windowMs: s.window_ms, chunks: [], groups: [], known: true });
    }
    const byId = new Map([...this.steps.values()].map((s) => [s.id, s]));
    const rows = db.prepare("SELECT step, chunk, run, seen_at, keys, filter, digest FROM chunks ORDER BY step, chunk").iterate() as IterableIterator<{
      step: number; chunk: number; run: number | null; seen_at: number; keys: number; filter: Buffer; digest: string;
    }>;
    for (const r of rows) {
      const s = byId.get(r.step);
      const filter = BloomFilter.fromBytes(r.filter);
      if (!s || !filter || digestOf(r.filter) !== r.digest) throw new StoreDamaged(`the filter of chunk ${r.chunk} of step ${s ? `\`${[...this.steps].find(([, v]) => v === s)![0]}\`` : r.step} does not match its checksum`);
      s.chunks.push({ chunk: r.chunk, run: r.run, seenAt: r.seen_at, keys: r.keys, filter });
    }
    // A store of version 1 opened to be inspected has no groups table (a run upgrades it first).
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'groups'").get() === undefined) return;
    const groups = db.prepare("SELECT step, first_chunk, last_chunk, capacity, keys, filter, digest FROM groups ORDER BY step, first_chunk").iterate() as IterableIterator<{
      step: number; first_chunk: number; last_chunk: number; capacity: number; keys: number; filter: Buffer; digest: string;
    }>;
    for (const g of groups) {
      const s = byId.get(g.step);
      const filter = BloomFilter.fromBytes(g.filter);
      if (!s || !filter || digestOf(g.filter) !== g.digest || g.last_chunk < g.first_chunk) {
        throw new StoreDamaged(`the filter of the group of chunks ${g.first_chunk}-${g.last_chunk} of step ${s ? `\`${[...this.steps].find(([, v]) => v === s)![0]}\`` : g.step} does not match its checksum`);
      }
      s.groups.push({ first: g.first_chunk, last: g.last_chunk, capacity: g.capacity, keys: g.keys, filter });
    }
  }

  /** Runs committed so far. */
  get runs(): number {
    return this.runsValue;
  }

  /** The run state without dedup keys (JSON), or null before the first run. */
  get state(): unknown {
    return this.stateValue;
  }

  /**
   * Opens (or creates) the store at `file` for `stream` (any stream, when ""). A
   * JSON state file of an earlier version is not read here: `isStoreFile` tells
   * the caller to migrate it. `inspect`: the file must exist and is only read.
   */
  static open(file: string, stream: string, options: { readonly inspect?: boolean; readonly minGroupKeys?: number } = {}): IoResult<StateStore> {
    const shown = displayPath(path.resolve(file));
    const damaged = (what: string) => failure(`state file ${shown} is damaged: ${what}. ${MOVE_AWAY}`, shown);
    if (!fs.existsSync(file)) {
      if (options.inspect) return failure(`state file ${shown} does not exist`, shown);
      const created = createStore(file, stream, (db) => setMeta(db, 0, null));
      if (created._tag === "Left") return created;
    }
    let db: Database.Database | undefined;
    try {
      db = openDatabase(file, { fileMustExist: true });
      // Inspecting takes no lock beyond SQLite's own and writes nothing.
      if (!options.inspect) configure(db);
      const meta = new Map((db.prepare("SELECT name, value FROM meta").all() as { name: string; value: string }[]).map((r) => [r.name, r.value]));
      if (meta.get("format") !== STORE_FORMAT) {
        db.close();
        return failure(`${shown} is not a peppa-stream state file. Give --state a file of its own; this one is left untouched.`, shown);
      }
      const version = meta.get("version");
      // Inspecting writes nothing, so a store of version 1 is read as it is.
      const upgrading = version === UPGRADABLE_VERSION && !options.inspect;
      if (upgrading) upgrade(db, Math.max(1, options.minGroupKeys ?? MIN_GROUP_KEYS));
      else if (version !== String(STORE_VERSION) && version !== UPGRADABLE_VERSION) {
        db.close();
        return failure(
          `state file ${shown} has store version ${JSON.stringify(meta.get("version"))}, but this interpreter reads version ${STORE_VERSION}. Use the interpreter that wrote it, or move it away to start fresh.`,
          shown,
        );
      }
      if (stream !== "" && meta.get("stream") !== stream) {
        db.close();
        return failure(`state file ${shown} belongs to stream "${meta.get("stream")}", not "${stream}". Give each stream its own state file.`, shown);
      }
      const store = new StateStore(db, file, meta.get("stream") ?? "", Math.max(1, options.minGroupKeys ?? MIN_GROUP_KEYS));
      if (upgrading) store.upgradedFrom = Number(UPGRADABLE_VERSION);
      return right(store);
    } catch (e) {
      db?.close();
      return storeFailure(e, shown, damaged);
    }
  }

  /**
   * The stream's keys as the runtime's KeyStore: one run of step `step`. The
   * chunks whose window has passed are left out now and deleted at commit.
   */
  openKeys(step: string, windowMs: number, nowMs: number): { has(key: string): boolean; add(key: string): void } {
    let s = this.steps.get(step);
    if (!s) {
      s = { id: Math.max(0, ...[...this.steps.values()].map((x) => x.id)) + 1, windowMs: undefined, chunks: [], groups: [], known: false };
      this.steps.set(step, s);
    }
    const expired = s.chunks.filter((c) => c.seenAt + windowMs <= nowMs);
    const live = s.chunks.filter((c) => c.seenAt + windowMs > nowMs).reverse(); // newest first: repeats are mostly recent
    const probes = probesOf(live, s.groups);
    const added = new Set<string>();
    this.pending.set(step, { step: s, windowMs, nowMs, expired, added });
    const id = s.id;
    const lookup = this.lookup;
    return {
      has(key) {
        if (added.has(key)) return true;
        const [h1, h2] = keyHashes(key);
        for (const p of probes) {
          if (!p.filter.mayHave(h1, h2)) continue;
          for (const c of p.chunks) {
            if (p.chunks.length > 1 && !c.filter.mayHave(h1, h2)) continue;
            let found: unknown;
            try {
              found = lookup.get(id, c.chunk, key);
            } catch (e) {
              throw new StoreDamaged(`reading a key failed: ${describeError(e)}`);
            }
            if (found !== undefined) return true;
          }
        }
        return false;
      },
      add(key) {
        added.add(key);
      },
    };
  }

  /** Drops what the last run staged (it failed, or its outputs could not be written). */
  discard(): void {
    this.pending.clear();
  }

  /**
   * Commits run `run`: its new keys, the expired chunks' removal and the run
   * state (JSON, without dedup keys), in one SQLite transaction, made durable
   * before it returns. This is the commit point of a run (src/io/commit.ts).
   */
  commit(run: number, state: unknown): void {
    const db = this.db;
    const made: Array<{ s: StepKeys; chunk: Chunk | undefined; group: Group | undefined; expired: ReadonlyArray<Chunk>; windowMs: number }> = [];
    const insertStep = db.prepare("INSERT INTO steps (id, name, window_ms) VALUES (?, ?, ?)");
    const setWindow = db.prepare("UPDATE steps SET window_ms = ? WHERE id = ?");
    const dropKeys = db.prepare("DELETE FROM keys WHERE step = ? AND chunk = ?");
    const dropChunk = db.prepare("DELETE FROM chunks WHERE step = ? AND chunk = ?");
    const addKey = db.prepare("INSERT INTO keys (step, chunk, key) VALUES (?, ?, ?)");
    const addChunk = db.prepare("INSERT INTO chunks (step, chunk, run, seen_at, keys, filter, digest) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const putGroup = db.prepare("INSERT OR REPLACE INTO groups (step, first_chunk, last_chunk, capacity, keys, filter, digest) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const dropGroup = db.prepare("DELETE FROM groups WHERE step = ? AND first_chunk = ?");
    const write = db.transaction(() => {
      for (const [name, p] of this.pending) {
        const s = p.step;
        if (!s.known) insertStep.run(s.id, name, p.windowMs);
        else if (s.windowMs !== p.windowMs) setWindow.run(p.windowMs, s.id);
        for (const c of p.expired) {
          dropKeys.run(s.id, c.chunk);
          dropChunk.run(s.id, c.chunk);
        }
        // A group none of whose chunks is left goes with the last of them.
        const left = s.chunks.filter((c) => !p.expired.includes(c));
        for (const g of s.groups) if (!left.some((c) => covers(g, c.chunk))) dropGroup.run(s.id, g.first);
        let chunk: Chunk | undefined;
        let group: Group | undefined;
        if (p.added.size) {
          const keys = [...p.added].sort();
          const id = (s.chunks[s.chunks.length - 1]?.chunk ?? 0) + 1;
          const filter = BloomFilter.sized(keys.length);
          // The last group takes this chunk if it was the last chunk's and has room; else a new group begins.
          const open = s.groups[s.groups.length - 1];
          const joins = open !== undefined && open.last === id - 1 && open.keys + keys.length <= open.capacity && left.some((c) => c.chunk >= open.first);
          const capacity = joins ? open.capacity : groupCapacity(keys.length, this.groupKeys);
          const groupFilter = joins ? open.filter.copy() : BloomFilter.sized(capacity, GROUP_BITS_PER_KEY);
          for (const k of keys) {
            addKey.run(s.id, id, k);
            const [h1, h2] = keyHashes(k);
            filter.add(h1, h2);
            groupFilter.add(h1, h2);
          }
          const bytes = filter.bytes();
          addChunk.run(s.id, id, run, p.nowMs, keys.length, bytes, digestOf(bytes));
          chunk = { chunk: id, run, seenAt: p.nowMs, keys: keys.length, filter };
          group = { first: joins ? open.first : id, last: id, capacity, keys: (joins ? open.keys : 0) + keys.length, filter: groupFilter };
          const groupBytes = groupFilter.bytes();
          putGroup.run(s.id, group.first, id, capacity, group.keys, groupBytes, digestOf(groupBytes));
        }
        made.push({ s, chunk, group, expired: p.expired, windowMs: p.windowMs });
      }
      setMeta(db, run, state);
    });
    try {
      write();
    } catch (e) {
      this.pending.clear();
      throw new Error(`cannot write state file ${displayPath(path.resolve(this.file))}: ${describeError(e)}`);
    }
    for (const { s, chunk, group, expired, windowMs } of made) {
      s.known = true;
      s.windowMs = windowMs;
      s.chunks = s.chunks.filter((c) => !expired.includes(c));
      if (chunk) s.chunks.push(chunk);
      s.groups = s.groups.filter((g) => g.first !== group?.first && s.chunks.some((c) => covers(g, c.chunk)));
      if (group) s.groups.push(group);
    }
    this.runsValue = run;
    this.stateValue = state;
    this.pending.clear();
  }

  /** Each step's chunks and window, for `interpret state show`. */
  describe(): StepDescription[] {
    return [...this.steps].filter(([, s]) => s.known).map(([step, s]) => ({
      step,
      windowMs: s.windowMs,
      keys: s.chunks.reduce((n, c) => n + c.keys, 0),
      chunks: s.chunks.map((c) => ({ chunk: c.chunk, run: c.run, seenAt: c.seenAt, keys: c.keys })),
    }));
  }

  /** Where a key is remembered: the chunk that holds it, per step that does. */
  find(key: string): Array<{ step: string; chunk: number; run: number | null; seenAt: number }> {
    const found: Array<{ step: string; chunk: number; run: number | null; seenAt: number }> = [];
    const [h1, h2] = keyHashes(key);
    for (const [step, s] of this.steps) {
      for (const c of s.chunks) {
        if (c.filter.mayHave(h1, h2) && this.lookup.get(s.id, c.chunk, key) !== undefined) found.push({ step, chunk: c.chunk, run: c.run, seenAt: c.seenAt });
      }
    }
    return found;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * A new store at `file` holding a JSON state file's content (`chunks` per
   * dedup step, oldest first; `state` the rest), written beside it and renamed
   * over it, so that the JSON file stays as it was until the store is complete.
   */
  static migrate(
    file: string,
    stream: string,
    runs: number,
    state: unknown,
    dedup: ReadonlyArray<{ readonly step: string; readonly chunks: ReadonlyArray<readonly [number, ReadonlyArray<string>]> }>,
  ): IoResult<{ keys: number }> {
    let keys = 0;
    const created = createStore(file, stream, (db) => {
      const addKey = db.prepare("INSERT OR IGNORE INTO keys (step, chunk, key) VALUES (?, ?, ?)");
      const addChunk = db.prepare("INSERT INTO chunks (step, chunk, run, seen_at, keys, filter, digest) VALUES (?, ?, NULL, ?, ?, ?, ?)");
      // The window is not in a JSON state file; the first run sets it.
      const addStep = db.prepare("INSERT INTO steps (id, name, window_ms) VALUES (?, ?, 0)");
      dedup.forEach((d, i) => {
        addStep.run(i + 1, d.step);
        d.chunks.forEach(([at, list], j) => {
          const filter = BloomFilter.sized(list.length);
          for (const k of list) {
            addKey.run(i + 1, j + 1, k);
            const [h1, h2] = keyHashes(k);
            filter.add(h1, h2);
          }
          keys += list.length;
          const bytes = filter.bytes();
          addChunk.run(i + 1, j + 1, at, list.length, bytes, digestOf(bytes));
        });
      });
      groupChunks(db, MIN_GROUP_KEYS);
      setMeta(db, runs, state);
    }, { replace: true });
    return created._tag === "Left" ? created : right({ keys });
  }
}

/** Version 1 to 2: the groups table, with groups made from the keys already kept (read once, in key order). */
function upgrade(db: Database.Database, groupKeys: number): void {
  db.transaction(() => {
    db.exec(GROUPS_SCHEMA);
    groupChunks(db, groupKeys);
    db.prepare("UPDATE meta SET value = ? WHERE name = 'version'").run(String(STORE_VERSION));
  })();
}

/** Groups over the chunks of every step, oldest first, as commits make them (for an upgrade or a migration). */
function groupChunks(db: Database.Database, groupKeys: number): void {
  const keysOf = db.prepare("SELECT key FROM keys WHERE step = ? AND chunk = ?").pluck();
  const putGroup = db.prepare("INSERT INTO groups (step, first_chunk, last_chunk, capacity, keys, filter, digest) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const chunks = db.prepare("SELECT step, chunk, keys FROM chunks ORDER BY step, chunk").all() as { step: number; chunk: number; keys: number }[];
  let g: { step: number; first: number; last: number; capacity: number; keys: number; filter: BloomFilter } | undefined;
  const put = (): void => {
    if (!g) return;
    const bytes = g.filter.bytes();
    putGroup.run(g.step, g.first, g.last, g.capacity, g.keys, bytes, digestOf(bytes));
  };
  for (const c of chunks) {
    if (!g || g.step !== c.step || g.keys + c.keys > g.capacity) {
      put();
      const capacity = groupCapacity(c.keys, groupKeys);
      g = { step: c.step, first: c.chunk, last: c.chunk, capacity, keys: 0, filter: BloomFilter.sized(capacity, GROUP_BITS_PER_KEY) };
    }
    for (const k of keysOf.iterate(c.step, c.chunk) as IterableIterator<string>) g.filter.add(...keyHashes(k));
    g.last = c.chunk;
    g.keys += c.keys;
  }
  put();
}

/**
 * The probes of a lookup, newest first: a group's filter in front of its live
 * chunks, or a chunk's own filter where it is alone (no group, or the only one
 * of its group still live).
 */
function probesOf(live: ReadonlyArray<Chunk>, groups: ReadonlyArray<Group>): Probe[] {
  const byGroup = new Map<Group, Chunk[]>();
  const order: Array<Group | Chunk> = [];
  for (const c of live) {
    const g = groups.find((x) => covers(x, c.chunk));
    if (!g) order.push(c);
    else if (byGroup.has(g)) byGroup.get(g)!.push(c);
    else {
      byGroup.set(g, [c]);
      order.push(g);
    }
  }
  return order.map((x) => {
    const chunks = byGroup.get(x as Group);
    if (!chunks) return { filter: (x as Chunk).filter, chunks: [x as Chunk] };
    return chunks.length === 1 ? { filter: chunks[0]!.filter, chunks } : { filter: x.filter, chunks };
  });
}

/** Whether `file` holds an SQLite database (else it may be a JSON state file of an earlier version). */
export function isStoreFile(file: string): boolean {
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const head = Buffer.alloc(SQLITE_MAGIC.length);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return n === head.length && head.equals(SQLITE_MAGIC);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Durable at every commit; one process at a time (a second invocation on the same state is refused, not interleaved). */
function configure(db: Database.Database): void {
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("cache_size = -16000");
}

function setMeta(db: Database.Database, runs: number, state: unknown): void {
  const text = JSON.stringify(state ?? null);
  const put = db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  put.run("runs", String(runs));
  put.run("state", text);
  put.run("state_digest", digestOf(Buffer.from(text, "utf8")));
}

/** Builds a store in a temp file beside `file` and renames it into place (over a JSON state file when `replace`). */
function createStore(file: string, stream: string, fill: (db: Database.Database) => void, options: { readonly replace?: boolean } = {}): IoResult<{}> {
  const shown = displayPath(path.resolve(file));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.new-${process.pid}-${randomBytes(4).toString("hex")}`);
  let db: Database.Database | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = openDatabase(tmp);
    db.pragma("journal_mode = DELETE");
    db.exec(SCHEMA);
    db.transaction(() => {
      const put = db!.prepare("INSERT INTO meta (name, value) VALUES (?, ?)");
      put.run("format", STORE_FORMAT);
      put.run("version", String(STORE_VERSION));
      put.run("stream", stream);
      fill(db!);
    })();
    db.close();
    const fd = fs.openSync(tmp, "r+");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    if (!options.replace && fs.existsSync(file)) throw new Error("it appeared while the store was being created");
    fs.renameSync(tmp, file);
    const dir = fs.openSync(path.dirname(file), "r");
    try {
      fs.fsyncSync(dir);
    } catch {
      // directory fsync is not supported everywhere
    } finally {
      fs.closeSync(dir);
    }
    return right({});
  } catch (e) {
    db?.close();
    fs.rmSync(tmp, { force: true });
    return failure(`cannot create state file ${shown}: ${describeError(e)}`, shown);
  }
}

function storeFailure<T>(e: unknown, shown: string, damaged: (what: string) => IoResult<T>): IoResult<T> {
  if (e instanceof StoreDamaged) return damaged(e.message);
  const code = (e as { code?: unknown }).code;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return failure(`state file ${shown} is in use by another invocation; wait for it to finish`, shown);
  }
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    // better-sqlite3's message sometimes holds the code already.
    const message = describeError(e);
    return damaged(message.includes(code) ? message : `${message} (${code})`);
  }
  return failure(`cannot open state file ${shown}: ${describeError(e)}`, shown);
}
