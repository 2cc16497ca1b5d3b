// peppa.stream written by hand: the same billing, analytics and reconciliation
// outputs from the same raw records, as an engineer would write this one job with
// plain loops, Maps and Intl. What the stream says, and how it is done here:
//
// - dedup within 30d of the run clock: a Map from id to the run clock it was
//   first seen at, and the ids of each run in a list, so expiring a run's ids
//   touches only those;
// - usage bills by event time per month in the CRM account's zone: the month of
//   an instant comes from one Intl.DateTimeFormat per zone, each zone remembering
//   the months it has computed ([start, end) in UTC), so Intl is asked a few times
//   per zone and month, not per record;
// - the watermark (largest event time seen, less the 2d lateness) moves record by
//   record over every run; a record whose month closed (end of month + 2d) at or
//   before the watermark is late and never billed: a late CPQ quote goes to
//   reconciliation, a late Core event to rejects (only counted here);
// - sessions close at the end of a run when the watermark passed their month's end
//   + 2d (or their latest event + 90d idle), and all of them on the final run.
//
// It imports nothing from src/: it is what the interpreter is measured against.
import type { PeppaTables } from "./generate.js";

export type Out = Record<string, unknown>;

export interface HandOutputs {
  readonly billing: Out[];
  readonly analytics: Out[];
  readonly reconciliation: Out[];
  /** Records of the run the usage aggregate turned away as late (Core and CPQ). */
  readonly late: number;
  /** Usage sessions open after the run. */
  readonly openSessions: number;
}

const DAY = 86_400_000;
const WITHIN = 30 * DAY; // dedup … within 30d
const LATENESS = 2 * DAY; // event time at lateness 2d
const GRACE = 2 * DAY; // flush at end_of_month(period, tz) + 2d
const IDLE = 90 * DAY; // after 90d idle
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
const byKey = <V>(m: Map<string, V>): [string, V][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** A local month of a zone: [start, end) in UTC ms, its `yyyy-MM`, and when its sessions close. */
interface Month {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly due: number;
}

/** The months of one zone, each computed once through Intl. */
class ZoneMonths {
  private readonly months: Month[] = [];
  private last: Month | undefined;
  private constructor(private readonly fmt: Intl.DateTimeFormat) {}

  /** The zone of an IANA name, or null when Intl does not know it. */
  static of(tz: string): ZoneMonths | null {
    try {
      return new ZoneMonths(
        new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }),
      );
    } catch {
      return null;
    }
  }

  monthOf(ms: number): Month {
    const last = this.last;
    if (last !== undefined && ms >= last.start && ms < last.end) return last;
    for (const m of this.months) if (ms >= m.start && ms < m.end) return (this.last = m);
    const m = this.compute(ms);
    this.months.push(m);
    return (this.last = m);
  }

  /** Local time minus UTC at an instant (ICU answers to the second). */
  private offset(ms: number): number {
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of this.fmt.formatToParts(ms)) {
      if (p.type === "year") y = +p.value;
      else if (p.type === "month") mo = +p.value;
      else if (p.type === "day") d = +p.value;
      else if (p.type === "hour") h = +p.value;
      else if (p.type === "minute") mi = +p.value;
      else if (p.type === "second") s = +p.value;
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ms / 1000) * 1000;
  }

  /**
   * The instant the zone's clock shows `wall` (a local time as UTC ms), from the offset
   * at an instant `near` it. This job's zones never change their clocks near midnight
   * (they do so at 01:00–03:00), so the offset at the first guess is the one in force.
   */
  private instant(wall: number, near: number): number {
    return wall - this.offset(wall - this.offset(near));
  }

  private compute(ms: number): Month {
    const local = new Date(ms + this.offset(ms));
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth();
    const start = this.instant(Date.UTC(y, m, 1), ms);
    const end = this.instant(Date.UTC(y, m + 1, 1), start);
    return { start, end, label: `${y}-${String(m + 1).padStart(2, "0")}`, due: end + GRACE };
  }
}

interface Account {
  readonly id: string;
  readonly plan: string | null;
  /** null: the CRM's zone is not one (such an account's events go to reconciliation). */
  readonly zone: ZoneMonths | null;
  /** The open sessions of the account, by month. */
  readonly sessions: Map<Month, Usage>;
}

interface Usage {
  readonly account: Account;
  readonly month: Month;
  events: number;
  readonly funnels: Map<string, number>;
  readonly services: Map<string, number>;
  first: number;
  last: number;
}

interface Unknown {
  readonly origin: string;
  readonly ref: string | null;
  events: number;
  first: number;
  last: number;
}

/** The ids a dedup step remembers: id -> run clock first seen, and each run's ids for expiry. */
class Seen {
  private readonly at = new Map<string, number>();
  private readonly runs: { readonly at: number; readonly ids: string[] }[] = [];

  /** Starts a run at `nowMs`: the ids of runs `WITHIN` or longer ago are forgotten. */
  begin(nowMs: number): string[] {
    while (this.runs.length && this.runs[0]!.at + WITHIN <= nowMs) for (const id of this.runs.shift()!.ids) this.at.delete(id);
    const ids: string[] = [];
    this.runs.push({ at: nowMs, ids });
    return ids;
  }

  /** True the first time `id` is seen within the window. */
  first(id: string, nowMs: number, ids: string[]): boolean {
    if (this.at.has(id)) return false;
    this.at.set(id, nowMs);
    ids.push(id);
    return true;
  }
}

export class HandwrittenPeppa {
  private readonly accounts = new Map<string, Account>();
  private readonly tenants = new Map<string, string>();
  private readonly cpqAccounts = new Map<string, string>();
  private readonly funnels = new Map<string, string>();
  private readonly seenCore = new Seen();
  private readonly seenCpq = new Seen();
  /** Every open usage session, in the order opened (the order they are billed in). */
  private readonly open = new Set<Usage>();
  /** The usage aggregate's watermark, over all runs; null before its first record. */
  private watermark: number | null = null;

  constructor(tables: PeppaTables) {
    const zones = new Map<string, ZoneMonths | null>();
    for (const r of tables.crm_accounts) {
      const tz = r.tz || "UTC";
      if (!zones.has(tz)) zones.set(tz, ZoneMonths.of(tz));
      this.accounts.set(r.account_id!, { id: r.account_id!, plan: r.plan ?? null, zone: zones.get(tz)!, sessions: new Map() });
    }
    for (const r of tables.core_tenants) this.tenants.set(r.tenant!, r.account_id!);
    for (const r of tables.cpq_accounts) this.cpqAccounts.set(r.cpq_account!, r.account_id!);
    for (const r of tables.funnel_events) this.funnels.set(r.code!, r.funnel!);
  }

  /** One run at the clock `now`; `final` closes every open session (the end of input). */
  run(core: ReadonlyArray<Record<string, unknown>>, cpq: ReadonlyArray<Record<string, unknown>>, now: string, final = false): HandOutputs {
    const nowMs = Date.parse(now);
    const coreIds = this.seenCore.begin(nowMs);
    const cpqIds = this.seenCpq.begin(nowMs);
    // Unknown accounts per system, in the order first seen; all Core records come before CPQ's.
    const unknownCore = new Map<string | null, Unknown>();
    const unknownCpq = new Map<string | null, Unknown>();
    const backdated: Out[] = [];
    let late = 0;

    const unknown = (into: Map<string | null, Unknown>, origin: string, ref: string | null, at: number): void => {
      const u = into.get(ref);
      if (!u) into.set(ref, { origin, ref, events: 1, first: at, last: at });
      else {
        u.events++;
        if (at < u.first) u.first = at;
        if (at > u.last) u.last = at;
      }
    };
    /** Folds an event of a known account into its month, or turns it away as late (false). */
    const bill = (account: Account, zone: ZoneMonths, at: number, funnel: string, service: string): boolean => {
      const month = zone.monthOf(at);
      const w = this.watermark;
      const closed = w !== null && (month.due <= w || at + IDLE <= w);
      if (w === null || at - LATENESS > w) this.watermark = at - LATENESS;
      if (closed) {
        late++;
        return false;
      }
      // A month is shorter than the 90d idle gap, so a month's records are always one session.
      let s = account.sessions.get(month);
      if (!s) {
        s = { account, month, events: 0, funnels: new Map(), services: new Map(), first: at, last: at };
        account.sessions.set(month, s);
        this.open.add(s);
      }
      s.events++;
      s.funnels.set(funnel, (s.funnels.get(funnel) ?? 0) + 1);
      s.services.set(service, (s.services.get(service) ?? 0) + 1);
      if (at < s.first) s.first = at;
      if (at > s.last) s.last = at;
      return true;
    };

    for (const r of core) {
      const id = str(r.event_id), tenant = str(r.tenant), user = str(r.user), event = str(r.event), service = str(r.service), at = time(r.at);
      if (id === undefined || tenant === undefined || user === undefined || event === undefined || service === undefined || at === undefined) continue;
      if (id === null || !CORE_ID.test(id) || event === null || !this.funnels.has(event) || at === null || at > nowMs) continue;
      if (!this.seenCore.first(id, nowMs, coreIds)) continue;
      const accountId = tenant === null ? undefined : this.tenants.get(tenant);
      const account = accountId === undefined ? undefined : this.accounts.get(accountId);
      if (account === undefined || account.zone === null) unknown(unknownCore, "core", tenant, at);
      else bill(account, account.zone, at, this.funnels.get(event)!, service ?? "null"); // a late Core event is a reject
    }
    for (const r of cpq) {
      const line = str(r.quote_line), ref = str(r.cpq_account), stage = str(r.stage), component = str(r.component), at = time(r.occurred);
      if (line === undefined || ref === undefined || stage === undefined || component === undefined || at === undefined) continue;
      if (line === null || !QUOTE.test(line) || at === null || at > nowMs) continue;
      if (!this.seenCpq.first(line, nowMs, cpqIds)) continue;
      const accountId = ref === null ? undefined : this.cpqAccounts.get(ref);
      const account = accountId === undefined ? undefined : this.accounts.get(accountId);
      if (account === undefined || account.zone === null) unknown(unknownCpq, "cpq", ref, at);
      else if (!bill(account, account.zone, at, stage ?? "null", component ?? "null")) backdated.push({ system: "cpq", foreign_id: line, account_id: account.id, late_at: iso(at) });
    }

    const reconciliation: Out[] = [];
    for (const u of [...unknownCore.values(), ...unknownCpq.values()]) {
      reconciliation.push({ system: u.origin, foreign_id: u.ref, events: u.events, first_seen: iso(u.first), last_seen: iso(u.last) });
    }
    reconciliation.push(...backdated);

    const billing: Out[] = [];
    const funnelRows: Out[] = [];
    const serviceRows: Out[] = [];
    const w = this.watermark;
    for (const s of this.open) {
      if (!(final || (w !== null && (s.month.due <= w || s.last + IDLE <= w)))) continue;
      this.open.delete(s);
      s.account.sessions.delete(s.month);
      const { id, plan } = s.account;
      const period = s.month.label;
      billing.push({ account_id: id, plan, period, product: "funnel-events", quantity: s.events });
      for (const [funnel, n] of byKey(s.funnels)) funnelRows.push({ account_id: id, period, funnel, events: n });
      for (const [service, n] of byKey(s.services)) serviceRows.push({ account_id: id, period, service, events: n });
    }
    return { billing, analytics: [...funnelRows, ...serviceRows], reconciliation, late, openSessions: this.open.size };
  }
}
