// How deep outside data may nest. Values are walked recursively in many places
// (conversion, output, state encoding, the JSON engine's own stringify), so a
// record nested thousands of levels deep would exhaust the stack of whichever
// walk meets it first. Data is refused at the edge instead, with a reason.

/** Levels of arrays and objects a record (or a value in a state file's payload) may nest. */
export const MAX_NESTING = 256;

/** Whether `value` holds arrays/objects nested more than `limit` levels deep (a flat record is 1). Iterative. */
export function nestsDeeperThan(value: unknown, limit: number = MAX_NESTING): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d > limit) return true;
    const children: unknown[] = Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : Object.values(v);
    for (const c of children) {
      if (typeof c === "object" && c !== null) {
        stack.push(c);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

/** The reason for a value that nests too deep. */
export const tooDeepReason = (limit: number = MAX_NESTING): string => `nested deeper than ${limit} levels of arrays and objects`;
