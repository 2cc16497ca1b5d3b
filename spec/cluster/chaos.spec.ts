// Kill safety of cluster mode: workers killed with SIGKILL at random moments
// (at least 10 kills, each followed by a new worker) and an ingest killed once
// and run again, while the peppa-files data goes through three cluster runs:
// the collected outputs are still exactly the single-process ones (nothing
// lost, nothing doubled). Then a zombie: a worker paused with SIGSTOP past its
// lease and resumed commits nothing for the partitions that were taken over.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, tempDir } from "../cli/helpers.js";
import { sleep, spawnInterpret, startNats, until, type Child } from "./helpers.js";
import { ingestArgs, RUNS, sameOutputs, singleProcess, STREAM, stopWorkers, worker } from "./peppa-run.js";

/** A small seeded generator, so a failing order of kills can be replayed (the seed is in the message). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test("SIGKILLed workers (10 or more) and a killed ingest lose and double nothing", async () => {
  const seed = Date.now() % 100000;
  const rnd = random(seed);
  const nats = await startNats();
  const workers: Child[] = [];
  let kills = 0;
  let chaos = true;
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "8"])).code, 0);
    for (const name of ["w0", "w1", "w2"]) workers.push(await worker(nats.url, name, 2));
    const killer = (async () => {
      while (chaos) {
        await sleep(300 + rnd() * 1200);
        const live = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
        // Wait for a worker to have started working, so a kill lands amid its runs.
        const victim = live[Math.floor(rnd() * live.length)];
        if (!victim || !/committed|took/.test(victim.stdout())) continue;
        victim.process.kill("SIGKILL");
        await victim.exited;
        kills++;
        workers.push(await worker(nats.url, `w${workers.length}`, 1 + Math.floor(rnd() * 4)));
      }
    })();

    // The first ingest is killed once it has published its first file, then run again.
    const first = await spawnInterpret(ingestArgs(nats.url, RUNS[0]!));
    await until(() => /records/.test(first.stderr()) || first.process.exitCode !== null, 60_000, "the first file of the ingest");
    first.process.kill("SIGKILL");
    await first.exited;
    for (const [i, files] of RUNS.entries()) {
      if (i > 0) assert.is((await interpret(ingestArgs(nats.url, files))).code, 0);
      else {
        const rerun = await interpret(ingestArgs(nats.url, files));
        assert.is(rerun.code, 0, rerun.stderr);
      }
      const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
      assert.is(flush.code, 0, flush.stderr);
    }
    // More (empty) cluster runs while the killing goes on, until there were 10 kills.
    while (kills < 10) assert.is((await interpret(["cluster", "flush", STREAM, "--nats", nats.url])).code, 0);
    chaos = false;
    await killer;
    const out = tempDir();
    assert.is((await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out])).code, 0);
    sameOutputs(out, await singleProcess());
    const took = workers.map((w) => w.stdout()).join("").match(/ \(lease expired\)/g) ?? [];
    assert.ok(took.length > 0, "partitions of killed workers were taken over");
  } catch (e) {
    throw new Error(`seed ${seed}, ${kills} kills: ${(e as Error).message}`);
  } finally {
    chaos = false;
    await stopWorkers(workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null));
    await nats.stop();
  }
});

test("a zombie (SIGSTOP past its lease, then SIGCONT) commits nothing for the partitions it lost", async () => {
  const nats = await startNats();
  const workers: Child[] = [];
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "2"])).code, 0);
    const zombie = await worker(nats.url, "zombie", 1);
    workers.push(zombie);
    assert.is((await interpret(ingestArgs(nats.url, RUNS[0]!))).code, 0);
    await until(() => /committed 0\.\d 1-1/.test(zombie.stdout()), 60_000, "the zombie's first commit");
    zombie.process.kill("SIGSTOP");
    const before = zombie.stdout();
    const held = new Set<string>();
    for (const line of before.split("\n")) {
      const m = /^(took|released|lost) (\d+\.\d+)/.exec(line);
      if (m) (m[1] === "took" ? held.add(m[2]!) : held.delete(m[2]!));
    }
    assert.ok(held.size > 0);
    const other = await worker(nats.url, "other", 3);
    workers.push(other);
    const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
    assert.is(flush.code, 0, flush.stderr);
    assert.match(other.stdout(), /took \d+\.\d+ from zombie \(lease expired\)/);
    zombie.process.kill("SIGCONT");
    await until(() => [...held].every((p) => new RegExp(`^(lost|committed|released) ${p.replace(".", "\\.")}`, "m").test(zombie.stdout().slice(before.length))), 30_000, "the zombie to notice");
    const after = zombie.stdout().slice(before.length);
    for (const p of held) {
      const first = after.split("\n").find((l) => l.includes(` ${p} `) || l.endsWith(` ${p}`) || l.includes(` ${p}:`));
      assert.match(first ?? "", new RegExp(`^lost ${p.replace(".", "\\.")}: another worker holds it now`), `first line about ${p} after SIGCONT`);
    }
    for (const files of RUNS.slice(1)) {
      assert.is((await interpret(ingestArgs(nats.url, files))).code, 0);
      assert.is((await interpret(["cluster", "flush", STREAM, "--nats", nats.url])).code, 0);
    }
    const out = tempDir();
    assert.is((await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out])).code, 0);
    sameOutputs(out, await singleProcess());
  } finally {
    for (const w of workers) if (w.process.signalCode === null) w.process.kill("SIGCONT");
    await stopWorkers(workers);
    await nats.stop();
  }
});

test.run();
