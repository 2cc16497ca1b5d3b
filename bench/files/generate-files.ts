// Peppa export files for the file-to-file bench, shaped like streams/data/peppa-files/:
// Core CloudEvents as JSON lines and CPQ quote events as ";"-CSV, one file per
// source and day (names sort by date, as streams/peppa-files.stream reads them:
// one file per run), and the CRM tables they are joined with. Seeded, so the
// same options give the same bytes.
//
// The irregularities are the kinds the real exports have: exact duplicate lines
// within a file, the last events of a file repeated at the start of the next,
// unknown tenants and CPQ accounts, tenants and CPQ accounts mapped to accounts
// the CRM does not know, unknown funnel events and quote stages, malformed event
// ids and quote lines, unreadable and future times, other CloudEvents versions
// and types, truncated JSON lines, a JSON array where an object belongs, CSV rows
// with a cell missing, and a missing optional `subject`. The events from the 8th
// of every file on have each kind once for sure, so even a tiny file holds them
// all. Nothing else: the data is ASCII, has no empty CSV cells, no quotes in the
// event CSV and no numbers in the events, so the bench does not depend on how
// those edge cases are read.
//
//   node dist/bench/files/generate-files.js DIR [--events N] [--files F] [--seed S] [--cardinality]
import fs from "node:fs";
import path from "node:path";
import { isMain, repoRoot } from "./repo.js";

export interface FilesOptions {
  /** Lines of events in all files together (duplicates and bad lines included). */
  readonly events: number;
  /** Files per source, one per day. */
  readonly files: number;
  readonly seed: number;
  /** One CRM account per event (1M events: about 1M distinct accounts), instead of `accounts`. */
  readonly cardinality: boolean;
  /** CRM accounts when not `cardinality`. */
  readonly accounts: number;
}

export const DEFAULT_OPTIONS: FilesOptions = { events: 1_000_000, files: 10, seed: 13, cardinality: false, accounts: 1_000 };

export interface Generated {
  readonly options: FilesOptions;
  /** The folder holding core/, cpq/ and the tables. */
  readonly dataDir: string;
  /** A run clock after every event of the files (except the deliberately future ones). */
  readonly now: string;
  readonly coreFiles: ReadonlyArray<string>;
  readonly cpqFiles: ReadonlyArray<string>;
  readonly coreLines: number;
  readonly cpqLines: number;
  readonly accounts: number;
}

const MANIFEST = "manifest.json";
const FIRST_DAY = Date.parse("2026-10-27T00:00:00Z");
const DAY = 86_400_000;

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Appends text to a file through a 1 MB buffer, so 10M lines never sit in memory. */
class FileWriter {
  private readonly fd: number;
  private buf = "";
  constructor(file: string) {
    this.fd = fs.openSync(file, "w");
  }
  line(text: string): void {
    this.buf += text + "\n";
    if (this.buf.length > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf) fs.writeSync(this.fd, this.buf);
    this.buf = "";
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

const SERVICES = ["svc-forms", "svc-scoring", "svc-mailer", "svc-chat"];
const STAGES = ["quote_created", "quote_sent", "quote_accepted", "contract_signed"];
const COMPONENTS = ["cpq-pricing", "cpq-docs"];
const PLANS = ["starter", "growth", "enterprise"];

const CORE_KINDS = ["truncated", "array", "bad-time", "bogus", "future", "bad-id", "old-version", "heartbeat", "old-heartbeat"] as const;
type CoreKind = (typeof CORE_KINDS)[number] | "ok";
const CPQ_KINDS = ["bad-quote", "withdrawn", "bad-time", "short-row", "future"] as const;
type CpqKind = (typeof CPQ_KINDS)[number] | "ok";
/**
 * Events 10, 11, … of every file have each irregularity once, so that even a tiny
 * file holds every kind (the spec runs the bench's programs on 500 events).
 */
const FORCED_FROM = 10;
const forced = <K>(kinds: ReadonlyArray<K>, seq: number): K | undefined => (seq >= FORCED_FROM ? kinds[seq - FORCED_FROM] : undefined);

/** What is wrong with a Core event, if anything: about 1.6% of them. */
function coreKind(r: number): CoreKind {
  if (r < 0.001) return "truncated"; // a line cut off mid-way: not JSON
  if (r < 0.0015) return "array"; // a JSON value that is not an object
  if (r < 0.0025) return "bad-time"; // "yesterday"
  if (r < 0.0125) return "bogus"; // a funnel event the table does not know
  if (r < 0.0135) return "future"; // 2099
  if (r < 0.014) return "bad-id"; // not evt-N-N
  if (r < 0.015) return "old-version"; // CloudEvents 0.3
  if (r < 0.0155) return "heartbeat"; // not a funnel event
  if (r < 0.016) return "old-heartbeat"; // both: a reject counted under two reasons
  return "ok";
}

/** What is wrong with a CPQ event, if anything: about 0.85% of them. */
function cpqKind(r: number): CpqKind {
  if (r < 0.001) return "bad-quote"; // not Q + digits
  if (r < 0.006) return "withdrawn"; // a stage the stream does not bill
  if (r < 0.007) return "bad-time"; // "last tuesday"
  if (r < 0.008) return "short-row"; // a cell missing
  if (r < 0.0085) return "future"; // 2099
  return "ok";
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().slice(0, 19) + "Z";
const ymd = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Spreads `total` over `parts` as evenly as whole numbers allow. */
const share = (total: number, parts: number, i: number): number => Math.floor((total * (i + 1)) / parts) - Math.floor((total * i) / parts);

/** Generates the files into dir (which it creates), or reuses what an earlier call with the same options left there. */
export function generateFiles(dir: string, options: FilesOptions = DEFAULT_OPTIONS): Generated & { readonly reused: boolean } {
  const manifestFile = path.join(dir, MANIFEST);
  if (fs.existsSync(manifestFile)) {
    const before = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Generated;
    if (JSON.stringify(before.options) === JSON.stringify(options) && before.dataDir === path.join(dir, "data")) return { ...before, reused: true };
  }
  fs.rmSync(path.join(dir, "data"), { recursive: true, force: true });
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(path.join(dataDir, "core"), { recursive: true });
  fs.mkdirSync(path.join(dataDir, "cpq"), { recursive: true });

  const rnd = prng(options.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(list: ReadonlyArray<T>): T => list[Math.floor(rnd() * list.length)]!;
  const coreLines = Math.round(options.events * 0.7);
  const cpqLines = options.events - coreLines;

  // The CRM tables. With `cardinality`, every event gets a tenant or CPQ account of
  // its own, each mapped to an account of its own.
  const nAccounts = options.cardinality ? options.events : options.accounts;
  const nTenants = options.cardinality ? coreLines : Math.round(options.accounts * 1.2);
  const nCpq = options.cardinality ? cpqLines : Math.round(options.accounts * 0.6);
  const account = (i: number): string => `ACC-${100000 + i}`;
  const crm = new FileWriter(path.join(dataDir, "crm_accounts.csv"));
  crm.line("account_id,name,plan");
  for (let i = 0; i < nAccounts; i++) {
    // Every 50th name has a comma, quoted, as "Cobalt Systems, Inc." in the real table.
    crm.line(`${account(i)},${i % 50 === 7 ? `"Account ${i}, Inc."` : `Account ${i}`},${PLANS[i % 3]}`);
  }
  crm.close();
  // 3% of tenants and CPQ accounts map to an account the CRM does not know.
  const mapped = (i: number, spread: number): string => (i % 33 === 5 ? `ACC-9${i}` : account(spread % nAccounts));
  const tenant = (i: number): string => `T-${100000 + i}`;
  const tenants = new FileWriter(path.join(dataDir, "core_tenants.csv"));
  tenants.line("tenant,account_id");
  for (let i = 0; i < nTenants; i++) tenants.line(`${tenant(i)},${mapped(i, i)}`);
  tenants.close();
  const cpqAccount = (i: number): string => `CPQ-${100000 + i}`;
  const cpqAccounts = new FileWriter(path.join(dataDir, "cpq_accounts.csv"));
  cpqAccounts.line("cpq_account,account_id");
  for (let i = 0; i < nCpq; i++) cpqAccounts.line(`${cpqAccount(i)},${mapped(i, options.cardinality ? coreLines + i : i * 7)}`);
  cpqAccounts.close();
  const funnelCsv = fs.readFileSync(path.join(repoRoot(), "streams", "data", "funnel_events.csv"), "utf8");
  fs.writeFileSync(path.join(dataDir, "funnel_events.csv"), funnelCsv);
  const funnelCodes = funnelCsv.trim().split("\n").slice(1).map((l) => l.split(",")[0]!);

  const coreFiles: string[] = [];
  const cpqFiles: string[] = [];
  let coreCount = 0;
  let cpqCount = 0;
  let coreCarry: string[] = [];
  let cpqCarry: string[] = [];
  for (let f = 0; f < options.files; f++) {
    const day = FIRST_DAY + f * DAY;
    const stamp = ymd(day).replace(/-/g, "");
    const time = (): number => day + int(0, DAY / 1000 - 1) * 1000;

    const coreFile = path.join(dataDir, "core", `${ymd(day)}.jsonl`);
    coreFiles.push(coreFile);
    const core = new FileWriter(coreFile);
    const nCoreHere = share(coreLines, options.files, f);
    let written = 0;
    // An export repeats the last events of the previous file.
    for (const l of coreCarry) if (written < nCoreHere) (core.line(l), written++);
    const last: string[] = [];
    for (let seq = 1; written < nCoreHere; seq++) {
      const kind = forced(CORE_KINDS, seq) ?? coreKind(rnd());
      const t = tenant(options.cardinality ? coreCount + written : int(0, nTenants - 1));
      // 2% of tenants are unknown to the mapping table (the 9th event of a file always).
      const ten = rnd() < 0.02 || seq === FORCED_FROM - 1 ? `T-9${int(100000, 999999)}` : t;
      const spec = kind === "old-version" || kind === "old-heartbeat" ? "0.3" : "1.0";
      const type = kind === "heartbeat" || kind === "old-heartbeat" ? "com.peppa.core.heartbeat" : "com.peppa.core.funnel";
      const at = kind === "bad-time" ? "yesterday" : kind === "future" ? "2099-01-01T00:00:00Z" : isoSeconds(time());
      const event = kind === "bogus" ? "BOGUS" : pick(funnelCodes);
      const id = kind === "bad-id" ? `evt_${stamp}_${seq}` : `evt-${stamp}-${seq}`;
      const subject = rnd() < 0.1 ? "" : `"subject": "tenant/${ten}", `;
      let line =
        `{"specversion": "${spec}", "id": "${id}", "source": "/peppa/core", "type": "${type}", "time": "${at}", ${subject}` +
        `"data": {"tenant": "${ten}", "user": "u-${int(1, 5000)}", "event": "${event}", "service": "${pick(SERVICES)}"}}`;
      if (kind === "truncated") line = line.slice(0, Math.floor(line.length * 0.6));
      else if (kind === "array") line = "[1, 2, 3]";
      core.line(line);
      written++;
      if (kind !== "truncated" && kind !== "array") last.push(line);
      if (last.length > 3) last.shift();
      // 1% of lines are exported twice in a row (the 8th of a file always).
      if ((rnd() < 0.01 || seq === FORCED_FROM - 2) && written < nCoreHere) (core.line(line), written++);
    }
    core.close();
    coreCount += written;
    coreCarry = last;

    const cpqFile = path.join(dataDir, "cpq", `${ymd(day)}.csv`);
    cpqFiles.push(cpqFile);
    const cpq = new FileWriter(cpqFile);
    cpq.line("quote_line;cpq_account;stage;component;occurred");
    const nCpqHere = share(cpqLines, options.files, f);
    written = 0;
    for (const l of cpqCarry) if (written < nCpqHere) (cpq.line(l), written++);
    let lastRow = "";
    for (let seq = 1; written < nCpqHere; seq++) {
      const kind = forced(CPQ_KINDS, seq) ?? cpqKind(rnd());
      const a = cpqAccount(options.cardinality ? cpqCount + written : int(0, nCpq - 1));
      const acc = rnd() < 0.02 || seq === FORCED_FROM - 1 ? `CPQ/${int(9000, 9999)}` : a;
      const quote = kind === "bad-quote" ? `QX-${stamp}${seq}` : `Q${stamp}${String(seq).padStart(7, "0")}`;
      const stage = kind === "withdrawn" ? "quote_withdrawn" : pick(STAGES);
      // 1% of quote events happened the next day (exported late); some cross into the next month.
      const occurred = kind === "bad-time" ? "last tuesday" : kind === "future" ? "2099-01-01T00:00:00Z" : isoSeconds(time() + (rnd() < 0.01 ? DAY : 0));
      const cells = [quote, acc, stage, pick(COMPONENTS), occurred];
      if (kind === "short-row") cells.pop();
      const row = cells.join(";");
      cpq.line(row);
      written++;
      if (cells.length === 5) lastRow = row;
      if ((rnd() < 0.01 || seq === FORCED_FROM - 2) && written < nCpqHere) (cpq.line(row), written++);
    }
    cpq.close();
    cpqCount += written;
    cpqCarry = lastRow ? [lastRow] : [];
  }

  const generated: Generated = {
    options,
    dataDir,
    now: new Date(FIRST_DAY + (options.files + 1) * DAY + 12 * 3_600_000).toISOString(),
    coreFiles,
    cpqFiles,
    coreLines: coreCount,
    cpqLines: cpqCount,
    accounts: nAccounts,
  };
  fs.writeFileSync(manifestFile, JSON.stringify(generated, null, 2) + "\n");
  return { ...generated, reused: false };
}

/** Options from BENCH_* environment variables (BENCH_EVENTS, BENCH_FILES, BENCH_SEED). */
export function optionsFromEnv(env: NodeJS.ProcessEnv, cardinality: boolean): FilesOptions {
  const num = (name: string, fallback: number): number => {
    const v = env[name];
    if (v === undefined || v === "") return fallback;
    const n = Number(v.replace(/_/g, ""));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
    return n;
  };
  return {
    ...DEFAULT_OPTIONS,
    events: num("BENCH_EVENTS", DEFAULT_OPTIONS.events),
    files: num("BENCH_FILES", DEFAULT_OPTIONS.files),
    seed: num("BENCH_SEED", DEFAULT_OPTIONS.seed),
    cardinality,
  };
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith("--"));
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (!dir) {
    console.error("usage: generate-files DIR [--events N] [--files F] [--seed S] [--cardinality]");
    process.exit(2);
  }
  const env = { BENCH_EVENTS: value("--events"), BENCH_FILES: value("--files"), BENCH_SEED: value("--seed") };
  const g = generateFiles(path.resolve(dir), optionsFromEnv(env, args.includes("--cardinality")));
  console.log(`${g.coreLines + g.cpqLines} event lines (${g.coreLines} Core, ${g.cpqLines} CPQ) in ${g.coreFiles.length} files per source, ${g.accounts} CRM accounts, now ${g.now}: ${g.dataDir}`);
}
