// Peppa-like Core and CPQ events as raw records (what a host would parse from
// JSON), with peppa.stream's rates: 3% duplicate event ids, 2% unknown tenants
// and CPQ accounts, 1% BOGUS funnel events. Seeded, so every run of the bench
// sees the same records.
//
// peppa.stream bills by event time, per month in each CRM account's zone (ten
// zones, from Tokyo to Los Angeles), closing a month two days after its end by
// the watermark. So that the bench runs every part of that, the runs are four days
// apart from 2026-10-28 to 2026-12-03 (the months of October, November and December
// begin within runs' data, at a different instant per zone; Nov 1 is also the day
// the US clocks go back), and 2% of the events are backdated by 2 to 10 days: some
// join their month within the lateness, some arrive after it closed (late: CPQ ones
// go to reconciliation, Core ones to rejects). Runs 4 days apart over 36 days also
// let the 30-day dedup window expire the first runs' keys.
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

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * `total` events split into `runs` batches, 70% Core and 30% CPQ, each run's
 * clock `spacing` after the previous one. An event happened in the day before its
 * run's clock, or (2%) 2 to 10 days before it.
 */
export function generate(tables: PeppaTables, total: number, runs: number, seed = 7, start = Date.parse("2026-10-28T06:00:00Z"), spacing = 4 * DAY): Batch[] {
  const rnd = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(list: ReadonlyArray<T>): T => list[Math.floor(rnd() * list.length)]!;
  const tenants = tables.core_tenants.map((r) => r.tenant!);
  const cpqAccounts = tables.cpq_accounts.map((r) => r.cpq_account!);
  const events = tables.funnel_events.map((r) => r.code!);
  const when = (nowMs: number): string => new Date(rnd() < 0.02 ? nowMs - int(2 * 1440, 10 * 1440) * MINUTE : nowMs - int(0, 1440) * MINUTE).toISOString();
  const batches: Batch[] = [];
  const perRun = Math.floor(total / runs);
  for (let run = 1; run <= runs; run++) {
    const n = run === runs ? total - perRun * (runs - 1) : perRun;
    const nCore = Math.round(n * 0.7);
    const nowMs = start + (run - 1) * spacing;
    const core: Record<string, unknown>[] = new Array(nCore);
    for (let seq = 1; seq <= nCore; seq++) {
      core[seq - 1] = {
        event_id: `evt-${run}-${seq - (rnd() < 0.03 ? 1 : 0)}`,
        tenant: rnd() < 0.02 ? `T-9${int(100, 999)}` : pick(tenants),
        user: `u-${int(1, 500)}`,
        event: rnd() < 0.01 ? "BOGUS" : pick(events),
        service: pick(SERVICES),
        at: when(nowMs),
      };
    }
    const cpq: Record<string, unknown>[] = new Array(n - nCore);
    for (let seq = 1; seq <= n - nCore; seq++) {
      cpq[seq - 1] = {
        quote_line: `Q${run * 1_000_000 + seq}`,
        cpq_account: rnd() < 0.02 ? `CPQ/${int(9000, 9999)}` : pick(cpqAccounts),
        stage: pick(STAGES),
        component: pick(COMPONENTS),
        occurred: when(nowMs),
      };
    }
    batches.push({ run, now: new Date(nowMs).toISOString(), core, cpq });
  }
  return batches;
}
