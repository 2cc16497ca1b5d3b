// Which columns of each table a stream reads, so a loaded table keeps only those
// (a million-row CRM table with a column nothing reads costs its strings for the
// whole invocation). A table is read through `T[k].field` and `k in T`; any
// other use of a row (`T[k]` as a value) reads all of it. Every declared column
// is still decoded and checked: keeping fewer changes what is held, not which
// rows are accepted.
import type { CheckedStream } from "../check/checked.js";
import type * as A from "../syntax/ast.js";
import { childExprs, declExprs } from "../syntax/walk.js";

/** Per table: the columns read (its key columns always), or "all". */
export type ColumnsRead = ReadonlyMap<string, ReadonlySet<string> | "all">;

function testExprs(body: ReadonlyArray<A.TestStmt>): A.Expr[] {
  return body.flatMap((s): A.Expr[] => {
    switch (s.kind) {
      case "TestGiven":
        return [s.records];
      case "TestExpect":
        return [...(s.records ? [s.records] : []), ...(s.count ? [s.count] : [])];
      case "TestRun":
        return testExprs(s.body);
      default:
        return [];
    }
  });
}

export function tableColumnsRead(checked: CheckedStream): ColumnsRead {
  const read = new Map<string, Set<string> | "all">();
  for (const t of checked.tables.values()) read.set(t.name, new Set(t.keys));
  const tableOf = (e: A.Expr): string | undefined => {
    const res = checked.refs.get(e);
    return res?.kind === "table" ? res.name : undefined;
  };
  const walk = (e: A.Expr, parent: A.Expr | undefined): void => {
    if (e.kind === "Index" && e.keys.length > 0) {
      const table = tableOf(e.object);
      if (table !== undefined) {
        const cols = read.get(table);
        if (cols !== undefined && cols !== "all") {
          if (parent?.kind === "Member" && parent.object === e) cols.add(parent.field.name);
          else read.set(table, "all");
        }
      }
    }
    for (const c of childExprs(e)) walk(c, e);
  };
  for (const d of checked.ast.decls) {
    for (const e of d.kind === "Test" ? testExprs(d.body) : declExprs(d)) walk(e, undefined);
  }
  return read;
}
