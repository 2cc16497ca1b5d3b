// Which columns of each table a stream reads, so a loaded table keeps only those
// (a million-row CRM table with a column nothing reads costs its strings for the
// whole invocation). A table is read through `T[k].field` and `k in T`; any
// other use of a row (`T[k]` as a value) reads all of it. Every declared column
// is still decoded and checked: keeping fewer changes what is held, not which
// rows are accepted.
import type { CheckedStream } from "../check/checked.js";
import type * as A from "../syntax/ast.js";

/** Per table: the columns read (its key columns always), or "all". */
export type ColumnsRead = ReadonlyMap<string, ReadonlySet<string> | "all">;

export function tableColumnsRead(checked: CheckedStream): ColumnsRead {
  const read = new Map<string, Set<string> | "all">();
  for (const t of checked.tables.values()) read.set(t.name, new Set(t.keys));
  const tableOf = (e: A.Expr): string | undefined => {
    const res = checked.refs.get(e);
    return res?.kind === "table" ? res.name : undefined;
  };
  // Every node of the syntax tree, not only the expressions some list names: a row read
  // that this walk missed would be pruned, and read as null, without a word.
  const seen = new Set<object>();
  const walk = (node: unknown, parent: unknown): void => {
    if (typeof node !== "object" || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const x of node) walk(x, parent);
      return;
    }
    const e = node as A.Expr;
    if (e.kind === "Index" && e.keys.length > 0) {
      const table = tableOf(e.object);
      if (table !== undefined) {
        const cols = read.get(table);
        if (cols !== undefined && cols !== "all") {
          const p = parent as A.Expr | undefined;
          if (p?.kind === "Member" && p.object === e) cols.add(p.field.name);
          else read.set(table, "all");
        }
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== "span") walk(v, node);
  };
  walk(checked.ast.decls, undefined);
  return read;
}
