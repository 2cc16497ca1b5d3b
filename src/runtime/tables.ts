// Lookup tables: rows decoded against the table's schema and indexed by key
// once per invocation. A row that does not fit, or a duplicate key, is an
// error reported before any run starts.
import { left, right, type Either } from "fp-ts/lib/Either.js";
import type { TableData } from "../plan/env.js";
import type { TablePlan } from "../plan/plan.js";
import type { Rec, Value } from "../values/value.js";
import { groupKey, keyAtom } from "../values/keys.js";
import { thrownMessage } from "../values/host-data.js";
import { recordMaker } from "../values/record-maker.js";

export interface TableRow {
  readonly record: unknown;
  /** Where the row came from, for messages: `data/crm.csv:12`. */
  readonly where?: string;
}

/** The table, or every row that does not fit. */
export type TableResult = Either<ReadonlyArray<string>, TableData>;

/** Where a row came from, for a message (made only for one). */
const whereOf = (row: TableRow, i: number): string => row.where ?? `row ${i + 1}`;

/**
 * A one-key table's lookup that remembers its last key and row: one record's expressions
 * often look up the same key twice in a row (`account_id in crm_accounts`, then
 * `crm_accounts[account_id].tz`), and a row never changes while the table lives.
 */
function lastLookup(index: Map<unknown, Rec>): (key: Value) => Rec | null {
  let lastKey: Value | undefined;
  let lastRow: Rec | null = null;
  return (key) => {
    if (key === lastKey) return lastRow;
    const row = key === null ? null : (index.get(keyAtom(key)) ?? null);
    lastKey = key;
    lastRow = row;
    return row;
  };
}

export function buildTable(plan: TablePlan, rows: ReadonlyArray<TableRow>, options: { readonly csv?: boolean } = {}): TableResult {
  const decode = options.csv ? plan.decodeCsv : plan.decode;
  const errors: string[] = [];
  const index = new Map<unknown, Rec>();
  const single = plan.keys.length === 1;
  // Only the columns the stream reads are kept (every declared one is still checked).
  const kept = plan.kept;
  const keep = kept === undefined ? undefined : recordMaker(kept);
  // One scratch list of a row's kept values; `keep` copies them into the row it makes.
  const values: Value[] = new Array(kept?.length ?? 0);
  rows.forEach((row, i) => {
    let d;
    try {
      d = decode(row.record);
    } catch (e) {
      // A host's row may be a Proxy or have a getter that throws.
      errors.push(`table \`${plan.name}\`, ${whereOf(row, i)}: the row cannot be read (${thrownMessage(e)})`);
      return;
    }
    if (!d.ok) {
      errors.push(`table \`${plan.name}\`, ${whereOf(row, i)}: ${d.reasons.join("; ")}`);
      return;
    }
    // One key field (no tuple per row: tables may have a million) indexes by its atom, the value itself mostly; several by their group key.
    const one = single ? ((d.record as Record<string, Value>)[plan.keys[0]!] ?? null) : null;
    const keys = single ? undefined : plan.keys.map((k) => (d.record as Record<string, Value>)[k] ?? null);
    if (single ? one === null : keys!.some((k) => k === null)) {
      errors.push(`table \`${plan.name}\`, ${whereOf(row, i)}: the key ${plan.keys.join(", ")} is empty`);
      return;
    }
    const k = single ? keyAtom(one) : groupKey(keys!);
    if (index.has(k)) {
      errors.push(`table \`${plan.name}\`, ${whereOf(row, i)}: duplicate key ${(keys ?? [one]).map((v) => (typeof v === "bigint" ? String(v) : JSON.stringify(v))).join(", ")}`);
      return;
    }
    if (keep) for (let c = 0; c < kept!.length; c++) values[c] = (d.record as Record<string, Value>)[kept![c]!] ?? null;
    index.set(k, keep ? keep(values) : d.record);
  });
  if (errors.length) return left(errors);
  let keyList: Value[] | undefined;
  const table: TableData = {
    name: plan.name,
    keyFields: plan.keys,
    // Made when first asked for (`random_key`): most streams never do, and a million-row table would keep a second list.
    get keyList() {
      return (keyList ??= [...index.values()].map((r) => (single ? ((r as Record<string, Value>)[plan.keys[0]!] ?? null) : plan.keys.map((k) => (r as Record<string, Value>)[k] ?? null))));
    },
    lookup1: single ? lastLookup(index) : () => null,
    lookup: (keys) => (single ? (keys[0] == null ? null : (index.get(keyAtom(keys[0]!)) ?? null)) : (index.get(groupKey(keys)) ?? null)),
  };
  return right(table);
}
