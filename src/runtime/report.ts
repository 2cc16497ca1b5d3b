// The run report: per step, records in and out per port and time spent; and
// the balance, which shows that every record read or created ends in exactly
// one place.

export interface StepReport {
  readonly step: string;
  readonly kind: string;
  readonly in: number;
  readonly out: Readonly<Record<string, number>>;
  readonly ms: number;
  /** Sources: fields present in the input that the schema does not declare (dropped). */
  readonly undeclaredFields?: number;
  /** Some of their names (`referrer`, `data.extra`), at most UNDECLARED_NAMES; absent when none. */
  readonly undeclaredFieldNames?: ReadonlyArray<string>;
  /**
   * Function calls of this step that failed (a host function threw or handed back
   * no value of the language): each call's value was null. Absent when none did.
   */
  readonly errors?: number;
  /** The first failure, `function: reason`. */
  readonly firstError?: string;
}

export interface Balance {
  /** Records that entered from sources (including ones that did not decode). */
  readonly read: number;
  /** Records made by aggregates (sessions flushed), `for each` maps, and fan-out to several consumers. */
  readonly created: number;
  readonly delivered: number;
  /** Records folded into aggregate sessions or expanded by `for each`. */
  readonly absorbed: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly dropped: number;
  /**
   * Records event-time aggregates handed to their `late` ports. Not a term of the equation: each
   * also ends in one of the terms above (rejected, when no step reads the port). Present only
   * in the balance of a stream with an event-time aggregate.
   */
  readonly late?: number;
}

export interface RunReport {
  readonly run: number;
  readonly now: string;
  readonly steps: ReadonlyArray<StepReport>;
  readonly balance: Balance;
  /** read + created == delivered + absorbed + duplicates + rejected + dropped */
  readonly balanced: boolean;
  /** Open sessions per aggregate step after the run. */
  readonly openSessions: Readonly<Record<string, number>>;
}

export const balanceHolds = (b: Balance): boolean => b.read + b.created === b.delivered + b.absorbed + b.duplicates + b.rejected + b.dropped;

export const addBalances = (a: Balance, b: Balance): Balance => ({
  read: a.read + b.read,
  created: a.created + b.created,
  delivered: a.delivered + b.delivered,
  absorbed: a.absorbed + b.absorbed,
  duplicates: a.duplicates + b.duplicates,
  rejected: a.rejected + b.rejected,
  dropped: a.dropped + b.dropped,
  ...(a.late !== undefined || b.late !== undefined ? { late: (a.late ?? 0) + (b.late ?? 0) } : {}),
});

export const ZERO_BALANCE: Balance = { read: 0, created: 0, delivered: 0, absorbed: 0, duplicates: 0, rejected: 0, dropped: 0 };
