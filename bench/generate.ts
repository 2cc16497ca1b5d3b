// Peppa-like Core and CPQ events as raw records (what a host would parse from
// JSON), with peppa.stream's rates: 3% duplicate event ids, 2% unknown tenants
// and CPQ accounts, 1% BOGUS funnel events. Seeded, so every run of the bench
// sees the same records.
import fs from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";

export type Row = Record<string, string>;

export interface PeppaTables {
  readonly crm_accounts: Row[];
  readonly core_tenants: Row[];
  readonly cpq_accounts: Row[];
  readonly funnel_events: Row[];
}

export interface Batch {
  /** 1-based run number (event ids embed it, as peppa.stream's do). */
  readonly run: number;
  /** The run clock, ISO-8601. */
  readonly now: string;
  readonly core: Record<string, unknown>[];
  readonly cpq: Record<string, unknown>[];
}

export function loadTables(dataDir: string): PeppaTables {
  const read = (name: string): Row[] => parseCsv(fs.readFileSync(path.join(dataDir, `${name}.csv`), "utf8"), { columns: true }) as Row[];
  return { crm_accounts: read("crm_accounts"), core_tenants: read("core_tenants"), cpq_accounts: read("cpq_accounts"), funnel_events: read("funnel_events") };
}

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

const SERVICES = ["svc-forms", "svc-scoring", "svc-mailer", "svc-chat"];
const STAGES = ["quote_created", "quote_sent", "quote_accepted", "contract_signed"];
const COMPONENTS = ["cpq-pricing", "cpq-docs"];

/**
 * `total` events split into `runs` batches, 70% Core and 30% CPQ, each run's
 * clock one hour after the previous one.
 */
export function generate(tables: PeppaTables, total: number, runs: number, seed = 7, start = Date.parse("2026-11-20T12:00:00Z")): Batch[] {
  const rnd = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(list: ReadonlyArray<T>): T => list[Math.floor(rnd() * list.length)]!;
  const tenants = tables.core_tenants.map((r) => r.tenant!);
  const cpqAccounts = tables.cpq_accounts.map((r) => r.cpq_account!);
  const events = tables.funnel_events.map((r) => r.code!);
  const batches: Batch[] = [];
  const perRun = Math.floor(total / runs);
  for (let run = 1; run <= runs; run++) {
    const n = run === runs ? total - perRun * (runs - 1) : perRun;
    const nCore = Math.round(n * 0.7);
    const nowMs = start + (run - 1) * 3_600_000;
    const core: Record<string, unknown>[] = new Array(nCore);
    for (let seq = 1; seq <= nCore; seq++) {
      core[seq - 1] = {
        event_id: `evt-${run}-${seq - (rnd() < 0.03 ? 1 : 0)}`,
        tenant: rnd() < 0.02 ? `T-9${int(100, 999)}` : pick(tenants),
        user: `u-${int(1, 500)}`,
        event: rnd() < 0.01 ? "BOGUS" : pick(events),
        service: pick(SERVICES),
        at: new Date(nowMs - int(0, 1440) * 60_000).toISOString(),
      };
    }
    const cpq: Record<string, unknown>[] = new Array(n - nCore);
    for (let seq = 1; seq <= n - nCore; seq++) {
      cpq[seq - 1] = {
        quote_line: `Q${run * 1_000_000 + seq}`,
        cpq_account: rnd() < 0.02 ? `CPQ/${int(9000, 9999)}` : pick(cpqAccounts),
        stage: pick(STAGES),
        component: pick(COMPONENTS),
        occurred: new Date(nowMs - int(0, 1440) * 60_000).toISOString(),
      };
    }
    batches.push({ run, now: new Date(nowMs).toISOString(), core, cpq });
  }
  return batches;
}
