// The names of the undeclared fields a source dropped, for the report: the
// runtime counts them on its hot path; the names are looked up here, only in a
// run whose report counted some, and only until a few are found.
import type { Plan, SourceBatch } from "../index.js";

/** How many names the report shows per source. */
export const UNDECLARED_NAMES = 8;

interface Node {
  readonly children: Map<string, Node>;
  /** The dotted path of the fields below it: `data.`. */
  readonly prefix: string;
}

function tree(paths: ReadonlyArray<ReadonlyArray<string>>): Node {
  const root: Node = { children: new Map(), prefix: "" };
  for (const p of paths) {
    let at = root;
    for (const k of p) {
      let next = at.children.get(k);
      if (!next) at.children.set(k, (next = { children: new Map(), prefix: `${at.prefix}${k}.` }));
      at = next;
    }
  }
  return root;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Adds to `names` the fields of `raw` the schema does not declare: `referrer`, `data.extra`.
 * It reads every record of a run (before the run lets go of them), so it makes nothing per
 * record: own keys by for-in, in Object.keys' order, and prefixes kept in the tree.
 */
function collect(raw: unknown, node: Node, names: Set<string>): void {
  if (!isObject(raw) || node.children.size === 0) return;
  for (const k in raw) {
    if (!hasOwn.call(raw, k)) continue;
    if (names.size >= UNDECLARED_NAMES) return;
    const child = node.children.get(k);
    if (!child) names.add(node.prefix + k);
    else collect(raw[k], child, names);
  }
}

/** Adds the undeclared field names of one run's batch of `source` to `names` (at most UNDECLARED_NAMES). */
export function undeclaredNames(plan: Plan, source: string, batch: SourceBatch | undefined, names: Set<string>): void {
  const step = plan.steps.find((s) => s.name === source);
  if (!step || step.kind !== "source" || !batch) return;
  const root = tree(step.fields.map((f) => f.path));
  for (const record of batch.records) {
    if (names.size >= UNDECLARED_NAMES) return;
    collect(record, root, names);
  }
}
