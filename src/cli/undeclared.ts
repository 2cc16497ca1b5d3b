// The names of the undeclared fields a source dropped, for the report: the
// runtime counts them on its hot path; the names are looked up here, only in a
// run whose report counted some, and only until a few are found.
import type { Plan, SourceBatch } from "../index.js";

/** How many names the report shows per source. */
export const UNDECLARED_NAMES = 8;

interface Node {
  readonly children: Map<string, Node>;
}

function tree(paths: ReadonlyArray<ReadonlyArray<string>>): Node {
  const root: Node = { children: new Map() };
  for (const p of paths) {
    let at = root;
    for (const k of p) {
      let next = at.children.get(k);
      if (!next) at.children.set(k, (next = { children: new Map() }));
      at = next;
    }
  }
  return root;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Adds to `names` the fields of `raw` the schema does not declare: `referrer`, `data.extra`. */
function collect(raw: unknown, node: Node, prefix: string, names: Set<string>): void {
  if (!isObject(raw) || node.children.size === 0) return;
  for (const k of Object.keys(raw)) {
    if (names.size >= UNDECLARED_NAMES) return;
    const child = node.children.get(k);
    if (!child) names.add(prefix + k);
    else collect(raw[k], child, `${prefix}${k}.`, names);
  }
}

/** Adds the undeclared field names of one run's batch of `source` to `names` (at most UNDECLARED_NAMES). */
export function undeclaredNames(plan: Plan, source: string, batch: SourceBatch | undefined, names: Set<string>): void {
  const step = plan.steps.find((s) => s.name === source);
  if (!step || step.kind !== "source" || !batch) return;
  const root = tree(step.fields.map((f) => f.path));
  for (const record of batch.records) {
    if (names.size >= UNDECLARED_NAMES) return;
    collect(record, root, "", names);
  }
}
