// peppa.stream written by hand: the same billing, analytics and reconciliation
// outputs from the same raw records, with plain loops and Maps. Dedup keys are
// kept across runs (30 days of the run clock); sessions flush each run.
import type { PeppaTables } from "./generate.js";

export type Out = Record<string, unknown>;

export interface HandOutputs {
  readonly billing: Out[];
  readonly analytics: Out[];
  readonly reconciliation: Out[];
}

interface Event {
  readonly event_id: string;
  readonly origin: string;
  readonly account_ref: string | null;
  readonly account_id: string | null;
  readonly funnel: string | null;
  readonly service: string | null;
  readonly at: number;
}

const WITHIN = 30 * 86_400_000;
const CORE_ID = /^evt-[0-9]+-[0-9]+$/;
const QUOTE = /^Q[0-9]+$/;

const str = (v: unknown): string | null | undefined => (v === undefined || v === null ? null : typeof v === "string" ? v : undefined);
const time = (v: unknown): number | null | undefined => {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();
const monthStart = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const yyyyMM = (ms: number): string => iso(ms).slice(0, 7);
const byKey = <V>(m: Map<string, V>): [string, V][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export class HandwrittenPeppa {
  private readonly crm = new Map<string, Record<string, string>>();
  private readonly tenants = new Map<string, string>();
  private readonly cpqAccounts = new Map<string, string>();
  private readonly funnels = new Map<string, string>();
  private readonly seenCore = new Map<string, number>();
  private readonly seenCpq = new Map<string, number>();

  constructor(tables: PeppaTables) {
    for (const r of tables.crm_accounts) this.crm.set(r.account_id!, r);
    for (const r of tables.core_tenants) this.tenants.set(r.tenant!, r.account_id!);
    for (const r of tables.cpq_accounts) this.cpqAccounts.set(r.cpq_account!, r.account_id!);
    for (const r of tables.funnel_events) this.funnels.set(r.code!, r.funnel!);
  }

  run(core: ReadonlyArray<Record<string, unknown>>, cpq: ReadonlyArray<Record<string, unknown>>, now: string): HandOutputs {
    const nowMs = Date.parse(now);
    for (const seen of [this.seenCore, this.seenCpq]) for (const [k, at] of seen) if (at + WITHIN <= nowMs) seen.delete(k);
    const events: Event[] = [];
    for (const r of core) {
      const id = str(r.event_id), tenant = str(r.tenant), user = str(r.user), event = str(r.event), service = str(r.service), at = time(r.at);
      if (id === undefined || tenant === undefined || user === undefined || event === undefined || service === undefined || at === undefined) continue;
      if (id === null || !CORE_ID.test(id) || event === null || !this.funnels.has(event) || at === null || at > nowMs) continue;
      if (this.seenCore.has(id)) continue;
      this.seenCore.set(id, nowMs);
      const accountId = tenant === null ? null : (this.tenants.get(tenant) ?? null);
      events.push({ event_id: id, origin: "core", account_ref: tenant, account_id: accountId, funnel: this.funnels.get(event) ?? null, service, at });
    }
    for (const r of cpq) {
      const line = str(r.quote_line), account = str(r.cpq_account), stage = str(r.stage), component = str(r.component), at = time(r.occurred);
      if (line === undefined || account === undefined || stage === undefined || component === undefined || at === undefined) continue;
      if (line === null || !QUOTE.test(line) || at === null || at > nowMs) continue;
      if (this.seenCpq.has(line)) continue;
      this.seenCpq.set(line, nowMs);
      const accountId = account === null ? null : (this.cpqAccounts.get(account) ?? null);
      events.push({ event_id: line, origin: "cpq", account_ref: account, account_id: accountId, funnel: stage, service: component, at });
    }

    interface Unknown { origin: string; ref: string | null; events: number; first: number; last: number }
    interface Usage { account: string; period: number; events: number; funnels: Map<string, number>; services: Map<string, number>; first: number; last: number }
    const unknown = new Map<string, Unknown>();
    const usage = new Map<string, Usage>();
    for (const e of events) {
      if (e.account_id === null || !this.crm.has(e.account_id)) {
        const key = `${e.origin}\u0000${e.account_ref}`;
        const u = unknown.get(key);
        if (!u) unknown.set(key, { origin: e.origin, ref: e.account_ref, events: 1, first: e.at, last: e.at });
        else {
          u.events++;
          if (e.at < u.first) u.first = e.at;
          if (e.at > u.last) u.last = e.at;
        }
        continue;
      }
      const period = monthStart(e.at);
      const key = `${e.account_id}\u0000${period}`;
      let s = usage.get(key);
      if (!s) usage.set(key, (s = { account: e.account_id, period, events: 0, funnels: new Map(), services: new Map(), first: e.at, last: e.at }));
      s.events++;
      const f = e.funnel ?? "null";
      s.funnels.set(f, (s.funnels.get(f) ?? 0) + 1);
      const v = e.service ?? "null";
      s.services.set(v, (s.services.get(v) ?? 0) + 1);
      if (e.at < s.first) s.first = e.at;
      if (e.at > s.last) s.last = e.at;
    }

    const reconciliation: Out[] = [];
    for (const u of unknown.values()) reconciliation.push({ system: u.origin, foreign_id: u.ref, events: u.events, first_seen: iso(u.first), last_seen: iso(u.last) });
    const billing: Out[] = [];
    const funnelRows: Out[] = [];
    const serviceRows: Out[] = [];
    for (const s of usage.values()) {
      const period = yyyyMM(s.period);
      billing.push({ account_id: s.account, plan: this.crm.get(s.account)?.plan ?? null, period, product: "funnel-events", quantity: s.events });
      for (const [funnel, n] of byKey(s.funnels)) funnelRows.push({ account_id: s.account, period, funnel, events: n });
      for (const [service, n] of byKey(s.services)) serviceRows.push({ account_id: s.account, period, service, events: n });
    }
    return { billing, analytics: [...funnelRows, ...serviceRows], reconciliation };
  }
}
