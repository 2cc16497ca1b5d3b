// The names of the undeclared fields a source dropped, for the report: the
// decoder counts them on its hot path; the source step looks their names up
// here, in a record it counted some in, only until a few are found.

/** How many names the report shows per source. */
export const UNDECLARED_NAMES = 8;

/** A source's declared field paths as a tree. */
export interface FieldTree {
  readonly children: Map<string, FieldTree>;
  /** The dotted path of the fields below it: `data.`. */
  readonly prefix: string;
}

export function fieldTree(paths: ReadonlyArray<ReadonlyArray<string>>): FieldTree {
  const root: FieldTree = { children: new Map(), prefix: "" };
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
 * Adds to `names` (up to UNDECLARED_NAMES) the fields of `raw` the schema does not declare:
 * `referrer`, `data.extra`. Own keys by for-in, in Object.keys' order, and prefixes kept in
 * the tree: nothing is made per key.
 */
export function collectUndeclared(raw: unknown, node: FieldTree, names: Set<string>): void {
  if (!isObject(raw) || node.children.size === 0) return;
  for (const k in raw) {
    if (!hasOwn.call(raw, k)) continue;
    if (names.size >= UNDECLARED_NAMES) return;
    const child = node.children.get(k);
    if (!child) names.add(node.prefix + k);
    else collectUndeclared(raw[k], child, names);
  }
}
