// Phase timings of a worker, kept only when PEPPA_CLUSTER_PROFILE is set (the
// bench's breakdown in docs/cluster.md): wall time per phase, summed over the
// partitions' steps, which overlap, so the sum can exceed the elapsed time.
import { performance } from "node:perf_hooks";

const on = Boolean(process.env["PEPPA_CLUSTER_PROFILE"]);
const totals = new Map<string, { ms: number; n: number }>();

/** Times `f` under `phase` when profiling; otherwise just runs it. */
export async function timed<T>(phase: string, f: () => Promise<T>): Promise<T> {
  if (!on) return f();
  const at = performance.now();
  try {
    return await f();
  } finally {
    const t = totals.get(phase) ?? totals.set(phase, { ms: 0, n: 0 }).get(phase)!;
    t.ms += performance.now() - at;
    t.n++;
  }
}

export function timedSync<T>(phase: string, f: () => T): T {
  if (!on) return f();
  const at = performance.now();
  try {
    return f();
  } finally {
    const t = totals.get(phase) ?? totals.set(phase, { ms: 0, n: 0 }).get(phase)!;
    t.ms += performance.now() - at;
    t.n++;
  }
}

/** Adds the time since `since` (performance.now()) to `phase`. */
export function note(phase: string, since: number): void {
  if (!on) return;
  const t = totals.get(phase) ?? totals.set(phase, { ms: 0, n: 0 }).get(phase)!;
  t.ms += performance.now() - since;
  t.n++;
}

/** The phases, longest first, one line each; empty when not profiling. */
export function profileReport(): string[] {
  return [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([k, t]) => `profile ${k}: ${(t.ms / 1000).toFixed(2)} s in ${t.n} calls`);
}
