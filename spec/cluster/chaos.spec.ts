// Crashes: 3 workers over 8 partitions of the peppa stream while workers are
// killed with SIGKILL at random moments of each cluster run and restarted, one is
// killed for good (the others take its partitions over after the lease), and an
// ingest is killed once and rerun. Then the outputs are exactly the
// single-process ones (no record lost or doubled), the balance holds, and no
// commit followed another worker's take. The moments come from a seed that a
// failure prints (CHAOS_SEED=N reruns them).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync } from "node:fs";
import path from "node:path";
import { balanceOf, interpret, NOW, tempDir } from "../cli/helpers.js";
import { fencingViolations, multiset, sleep, spawnInterpret, startNats, until, type Child } from "./helpers.js";
import { ingestArgs, RUNS, sameOutputs, STREAM, stopWorkers, worker } from "./peppa-run.js";

const seed = Number(process.env["CHAOS_SEED"] ?? Date.now() % 2 ** 31);
let state = seed || 1;
/** A small seeded generator (xorshift): the same seed, the same kills. */
const random = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const between = (lo: number, hi: number): number => Math.floor(lo + random() * (hi - lo));

test(`SIGKILL of workers at random moments and of one ingest: exactly the single-process outputs (seed ${seed})`, async () => {
  const nats = await startNats();
  const live = new Map<string, Child>();
  const instances: [string, Child][] = [];
  const KILLS = 12;
  let kills = 0;
  const retired = new Set<string>();
  // Each instance but the last ones kills itself before a random one of its first commits
  // (a crash at the worst moment: outputs published, commit not written); a watcher
  // restarts it under its name, and its partitions resume at once.
  const start = async (name: string) => {
    const armed = kills + live.size < KILLS;
    const w = await worker(nats.url, name, 1, armed ? { PEPPA_CLUSTER_KILL_BEFORE_COMMIT: String(between(1, 8)) } : {});
    live.set(name, w);
    instances.push([`${name}#${instances.filter(([n]) => n.startsWith(`${name}#`)).length + 1}`, w]);
    void w.exited.then(async () => {
      if (w.process.signalCode !== "SIGKILL" || live.get(name) !== w) return;
      kills++;
      live.delete(name);
      if (!retired.has(name)) await start(name);
    });
  };
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "8"])).code, 0);
    for (const name of ["a", "b", "c"]) await start(name);

    for (const [run, files] of RUNS.entries()) {
      if (run === 0) {
        // The ingest is killed once it has published its first file, and run again: the first
        // file is skipped, the rest published; nothing is published twice.
        const first = await spawnInterpret(ingestArgs(nats.url, files));
        await until(() => /: \d+ records$/m.test(first.stderr()) || first.process.exitCode !== null, 60_000, "the ingest's first file");
        first.process.kill("SIGKILL");
        await first.exited;
        const again = await interpret(ingestArgs(nats.url, files));
        assert.is(again.code, 0, again.stderr);
        if (first.process.signalCode === "SIGKILL") assert.match(again.stderr, /already ingested, skipped/);
      } else assert.is((await interpret(ingestArgs(nats.url, files))).code, 0);
      let killedAt = 0;
      if (run === RUNS.length - 1) {
        // Killed for good at a random moment of the last run: a and b take c's partitions over after its lease.
        retired.add("c");
        await sleep(between(0, 500));
        const c = live.get("c");
        live.delete("c");
        c?.process.kill("SIGKILL");
        await c?.exited;
        kills++;
        killedAt = Date.now();
      }
      const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
      assert.is(flush.code, 0, flush.stderr);
      if (killedAt) {
        assert.ok(instances.some(([n, w]) => !n.startsWith("c#") && /^took \d+\.\d+ from c \(lease expired\)/m.test(w.stdout())), "a and b took c's partitions over");
        assert.ok(Date.now() - killedAt < 30_000, "within seconds");
      }
    }
    // A crash the runs did not reach is not waited for: what counts is that the ones that happened changed nothing.
    assert.ok(kills >= 10, `${kills} kills`);
    const redone = instances.reduce((n, [, w]) => n + (w.stdout().match(/redoing its written-ahead/g) ?? []).length, 0);
    assert.ok(redone >= 5, `written-ahead runs redone after the crashes: ${redone}`);

    const out = tempDir();
    assert.is((await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out])).code, 0);
    const single = tempDir();
    const one = await interpret([STREAM, "--now", NOW, "--out", single]);
    assert.is(one.code, 0, one.stderr);
    sameOutputs(out, single);
    const status = JSON.parse((await interpret(["cluster", "status", STREAM, "--nats", nats.url, "--json"])).stdout) as { run: number; balance: Record<string, number>; partitions: { lag: number }[]; outputs: number };
    assert.is(status.run, 4);
    assert.ok(status.partitions.every((p) => p.lag === 0));
    // The same balance as the single-process run, term by term: a record doubled between two
    // stages would show as one more duplicate (or read) here even where a dedup hides it
    // from the outputs; and the output log holds each output record once.
    const { mark, ...want } = balanceOf(one.stdout);
    assert.is(mark, "✓");
    assert.equal(status.balance, want);
    const records = readdirSync(path.join(single, "out")).reduce((n, f) => n + multiset(path.join(single, "out", f)).filter((l, i) => !(f.endsWith(".csv") && i === 0)).length, 0);
    assert.is(status.outputs, records, "every output message once");
    assert.equal(fencingViolations(Object.fromEntries(instances.map(([n, w]) => [n, w.stdout()]))), []);
  } catch (e) {
    for (const [n, w] of instances) console.log(`${n}:\n${w.stdout()}${w.stderr()}`);
    console.log(`chaos seed ${seed} (rerun with CHAOS_SEED=${seed})`);
    throw e;
  } finally {
    retired.add("a").add("b").add("c");
    await stopWorkers([...live.values()]);
    await nats.stop();
  }
});

test.run();
