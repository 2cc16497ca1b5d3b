// `npm run bench`: peppa.stream run by the interpreter against the same pipeline
// written by hand, on the same generated records in memory. Checks that billing,
// analytics and reconciliation are equal run by run on every repeat (the same
// records in the same order, with the same fields in the same order), and so are
// the number of late records and of open usage sessions; the last run is the end
// of input (every open session is billed). Prints records/s of
// each, the ratio and peak heap. `BENCH_EVENTS=N` and `BENCH_RUNS=R` change
// the size (default 1,000,000 events in 10 runs); `BENCH_REPEATS=K` how many
// times each program is measured (default 5; the medians are compared).
import fs from "node:fs";
import path from "node:path";
import { compile, createRunner, formatDiagnostics } from "../src/index.js";
import { generate, loadTables, type Batch } from "./generate.js";
import { HandwrittenPeppa, type HandOutputs } from "./handwritten.js";
import { OUTPUTS, differences } from "./compare-runs.js";

function repoRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(dir, "streams", "peppa.stream"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("streams/peppa.stream not found above the bench");
    dir = up;
  }
  return dir;
}

const gc = (globalThis as { gc?: () => void }).gc;
let peak = 0;
const sample = (): void => {
  const used = process.memoryUsage().heapUsed;
  if (used > peak) peak = used;
};
const settle = (): number => {
  gc?.();
  peak = 0;
  sample();
  return peak;
};
/** CPU time of the process (every thread: the GC's helpers too), in ms. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`;
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString("en-US")} records/s`;

type Outputs = HandOutputs;

function main(): void {
  const total = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  const root = repoRoot();
  const file = path.join(root, "streams", "peppa.stream");
  const text = fs.readFileSync(file, "utf8");
  const compiled = compile(text, { filename: "peppa.stream" });
  if (compiled._tag === "Left") {
    console.error(formatDiagnostics(compiled.left, text));
    process.exit(1);
  }
  const tables = loadTables(path.join(root, "streams", "data"));
  const t0 = performance.now();
  const batches: Batch[] = generate(tables, total, runs);
  const core = batches.reduce((n, b) => n + b.core.length, 0);
  console.log(`generated ${total.toLocaleString("en-US")} events (${core.toLocaleString("en-US")} Core, ${(total - core).toLocaleString("en-US")} CPQ) in ${runs} runs, ${(performance.now() - t0).toFixed(0)} ms`);
  if (!gc) console.log("(run with --expose-gc for a steadier peak heap)");

  // Warm-up on a small slice of the first batch (fresh instances, not measured), so
  // both programs are measured with their hot code compiled.
  const warm = batches[0]!;
  new HandwrittenPeppa(tables).run(warm.core.slice(0, 20_000), warm.cpq.slice(0, 8_000), warm.now, true);
  createRunner(compiled.right, { tables: { ...tables } }).run({ sources: { core: warm.core.slice(0, 20_000), cpq: warm.cpq.slice(0, 8_000) }, now: warm.now, final: true });
  const last = batches.length - 1;

  // V8 flattens a string and keeps its hash the first time it is used as a Map key,
  // so whichever program ran first would pay that for both. Every string value is
  // used as a key once here, before anything is measured.
  const touched = new Set<unknown>();
  for (const b of batches) for (const r of [...b.core, ...b.cpq]) for (const v of Object.values(r)) if (typeof v === "string") touched.add(v);
  touched.clear();

  // Each program runs BENCH_REPEATS times (default 5) on fresh instances, in
  // alternating order so neither always runs on the other's leftover heap; the
  // medians are compared. Nothing of one measurement is kept alive during the next.
  const repeats = Math.max(1, Number(process.env["BENCH_REPEATS"] ?? 5));
  // Besides wall time, each measurement takes the CPU time the process used: on a machine
  // other jobs share, a program waiting for a core gets a longer wall time but not more CPU time.
  const measureHand = (): { ms: number; cpu: number; peak: number; out: Outputs[] } => {
    const base = settle();
    const hand = new HandwrittenPeppa(tables);
    const out: Outputs[] = [];
    let ms = 0;
    let cpu = 0;
    for (const [i, b] of batches.entries()) {
      const s = performance.now();
      const c = cpuMs();
      out.push(hand.run(b.core, b.cpq, b.now, i === last));
      cpu += cpuMs() - c;
      ms += performance.now() - s;
      sample();
    }
    return { ms, cpu, peak: peak - base, out };
  };
  // BENCH_STEPS=1 prints where the interpreter spends its time, per step (summed over the repeats).
  const stepMs = new Map<string, number>();
  const measureInterp = (): { ms: number; cpu: number; peak: number; out: Outputs[]; balanced: boolean } => {
    const base = settle();
    const runner = createRunner(compiled.right, { tables: { ...tables } });
    const out: Outputs[] = [];
    let ms = 0;
    let cpu = 0;
    let balanced = true;
    for (const [i, b] of batches.entries()) {
      const s = performance.now();
      const c = cpuMs();
      const r = runner.run({ sources: { core: b.core, cpq: b.cpq }, now: b.now, final: i === last });
      cpu += cpuMs() - c;
      ms += performance.now() - s;
      sample();
      balanced &&= r.report.balanced;
      if (process.env["BENCH_STEPS"]) for (const st of r.report.steps) stepMs.set(st.step, (stepMs.get(st.step) ?? 0) + st.ms / repeats);
      out.push({
        billing: r.outputs.billing as HandOutputs["billing"],
        analytics: r.outputs.analytics as HandOutputs["analytics"],
        reconciliation: r.outputs.reconciliation as HandOutputs["reconciliation"],
        late: r.report.balance.late ?? 0,
        openSessions: r.report.openSessions["usage"] ?? 0,
      });
    }
    return { ms, cpu, peak: peak - base, out, balanced };
  };
  const handMsAll: number[] = [];
  const interpMsAll: number[] = [];
  const handCpuAll: number[] = [];
  const interpCpuAll: number[] = [];
  let handPeak = 0;
  let interpPeak = 0;
  const handOuts: Outputs[][] = [];
  const interpOuts: Outputs[][] = [];
  let balanced = true;
  const baseline = settle();
  for (let r = 0; r < repeats; r++) {
    for (const which of r % 2 === 0 ? (["hand", "interp"] as const) : (["interp", "hand"] as const)) {
      if (which === "hand") {
        const m = measureHand();
        handMsAll.push(m.ms);
        handCpuAll.push(m.cpu);
        handPeak = Math.max(handPeak, m.peak);
        handOuts.push(m.out);
      } else {
        const m = measureInterp();
        interpMsAll.push(m.ms);
        interpCpuAll.push(m.cpu);
        interpPeak = Math.max(interpPeak, m.peak);
        interpOuts.push(m.out);
        balanced &&= m.balanced;
      }
    }
    console.log(
      `  repeat ${r + 1}: hand-written ${handMsAll[r]!.toFixed(0)} ms, interpreter ${interpMsAll[r]!.toFixed(0)} ms, ratio ${(interpMsAll[r]! / handMsAll[r]!).toFixed(2)}x` +
        ` (CPU time ${handCpuAll[r]!.toFixed(0)} and ${interpCpuAll[r]!.toFixed(0)} ms, ${(interpCpuAll[r]! / handCpuAll[r]!).toFixed(2)}x)`,
    );
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const handMs = median(handMsAll);
  const interpMs = median(interpMsAll);
  if (stepMs.size) console.log([...stepMs].map(([step, ms]) => `  ${step.padEnd(18)} ${ms.toFixed(0)} ms`).join("\n"));

  // Every repeat of each program against the same repeat of the other (and so all against each other).
  let equal = true;
  for (let r = 0; r < repeats; r++) {
    batches.forEach((b, i) => {
      for (const d of differences(handOuts[r]![i]!, interpOuts[r]![i]!)) {
        equal = false;
        console.error(`repeat ${r + 1}, run ${b.run}: ${d}`);
      }
    });
  }
  const handOut = handOuts[0]!;
  const rows = (o: Outputs[], k: (typeof OUTPUTS)[number]): number => o.reduce((n, x) => n + x[k].length, 0);
  const periods = [...new Set(handOut.flatMap((o) => o.billing.map((r) => String(r["period"]))))].sort();
  const backdated = handOut.reduce((n, o) => n + o.reconciliation.filter((r) => "late_at" in r).length, 0);
  console.log(`outputs: ${rows(handOut, "billing")} billing, ${rows(handOut, "analytics")} analytics, ${rows(handOut, "reconciliation")} reconciliation records (${backdated} of them late CPQ quotes)`);
  console.log(`late records: ${handOut.reduce((n, o) => n + o.late, 0)}; months billed: ${periods.join(", ")}`);
  console.log(`outputs equal: ${equal ? "yes" : "NO"}; balance held on every run: ${balanced ? "yes" : "NO"}`);
  console.log(`medians of ${repeats} repeat${repeats === 1 ? "" : "s"}:`);
  console.log(`hand-written: ${handMs.toFixed(0).padStart(7)} ms  ${rate(total, handMs)}  peak heap +${mb(handPeak)}`);
  console.log(`interpreter:  ${interpMs.toFixed(0).padStart(7)} ms  ${rate(total, interpMs)}  peak heap +${mb(interpPeak)}`);
  const ratio = interpMs / handMs;
  const cpuRatio = median(interpCpuAll) / median(handCpuAll);
  console.log(`ratio: ${ratio.toFixed(2)}x the hand-written program's time (target <= 1.2x)${ratio <= 1.2 ? "" : " - MISSED"}`);
  console.log(`CPU time: hand-written ${median(handCpuAll).toFixed(0)} ms, interpreter ${median(interpCpuAll).toFixed(0)} ms (medians), ratio ${cpuRatio.toFixed(2)}x`);
  console.log(`peak heap of the process: ${mb(Math.max(process.memoryUsage().heapUsed, peak))} (records in memory: ${mb(baseline)} before the programs ran)`);
  if (!equal || !balanced) process.exitCode = 1;
}

main();
