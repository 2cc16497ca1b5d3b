// Fencing: a zombie, a worker paused past its lease and resumed, commits
// nothing on the partitions that were taken over, and the outputs are still
// exactly the single-process ones.
//
// Deterministic: the zombie stops itself (PEPPA_CLUSTER_STOP_BEFORE_COMMIT) at
// the worst moment, holding a written-ahead run whose outputs it has published
// and which it is about to commit. Judged on the server's order: every take,
// release and commit line carries the revision its write produced, and no commit
// may follow another worker's take (fencingViolations). An earlier form of this
// spec stopped the zombie at an arbitrary moment and read the first line it
// printed after SIGCONT; a commit that had reached the server before the pause
// (and so before the takeover) is printed only after SIGCONT, which that form
// took for a commit on a lost lease.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, tempDir } from "../cli/helpers.js";
import { fencingViolations, processState, startNats, until, type Child } from "./helpers.js";
import { ingestArgs, RUNS, sameOutputs, singleProcess, STREAM, stopWorkers, worker } from "./peppa-run.js";

const linesAbout = (out: string, p: string): string[] => out.split("\n").filter((l) => new RegExp(`^\\S+ ${p.replace(".", "\\.")}\\b`).test(l));

async function finishRuns(url: string, workers: ReadonlyArray<Child>): Promise<void> {
  for (const files of RUNS.slice(1)) {
    assert.is((await interpret(ingestArgs(url, files))).code, 0);
    const flush = await interpret(["cluster", "flush", STREAM, "--nats", url]);
    assert.is(flush.code, 0, flush.stderr);
  }
  const out = tempDir();
  assert.is((await interpret(["cluster", "collect", STREAM, "--nats", url, "--out", out])).code, 0);
  sameOutputs(out, await singleProcess());
  const status = JSON.parse((await interpret(["cluster", "status", STREAM, "--nats", url, "--json"])).stdout) as { balance: Record<string, number> };
  const b = status.balance;
  assert.is(b["read"], 47);
  assert.is(b["read"]! + b["created"]!, b["delivered"]! + b["absorbed"]! + b["duplicates"]! + b["rejected"]! + b["dropped"]!, "the balance holds");
  assert.equal(fencingViolations(Object.fromEntries(workers.map((w, i) => [`w${i}`, w.stdout()]))), []);
}

test("a zombie stopped just before a commit, past its lease, is refused that commit after SIGCONT", async () => {
  const nats = await startNats();
  const workers: Child[] = [];
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "2"])).code, 0);
    const zombie = await worker(nats.url, "zombie", 1, { PEPPA_CLUSTER_STOP_BEFORE_COMMIT: "0.1" });
    workers.push(zombie);
    assert.is((await interpret(ingestArgs(nats.url, RUNS[0]!))).code, 0);
    await until(() => /^stopping before the commit of 0\.1 /m.test(zombie.stdout()) && processState(zombie.process.pid!) === "T", 60_000, "the zombie to stop itself before a commit");
    const range = /^stopping before the commit of 0\.1 (\d+-\d+)/m.exec(zombie.stdout())![1]!;
    const before = zombie.stdout().length;

    const other = await worker(nats.url, "other", 3);
    workers.push(other);
    const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
    assert.is(flush.code, 0, flush.stderr);
    // The other worker took the partition over from the zombie and redid the very range the zombie holds.
    const took = new RegExp(`^took 0\\.1 from zombie \\(lease expired\\), redoing its written-ahead range ${range} \\[revision (\\d+)\\]$`, "m").exec(other.stdout());
    assert.ok(took, `the other worker redoes ${range} of 0.1:\n${other.stdout()}`);
    assert.is(processState(zombie.process.pid!), "T", "the zombie stayed stopped");

    zombie.process.kill("SIGCONT");
    await until(() => linesAbout(zombie.stdout().slice(before), "0.1").length > 0, 30_000, "the zombie to say what became of 0.1");
    const first = linesAbout(zombie.stdout().slice(before), "0.1")[0]!;
    const refused = new RegExp(`^lost 0\\.1: the commit of ${range} on revision (\\d+) was refused \\(other holds it at revision (\\d+); .*nothing was committed$`).exec(first);
    assert.ok(refused, `the zombie's first word on 0.1 after SIGCONT: ${first}`);
    assert.ok(Number(refused[1]) < Number(took[1]!), "the zombie's revision is older than the takeover");

    await finishRuns(nats.url, workers);
  } finally {
    for (const w of workers) if (w.process.exitCode === null) w.process.kill("SIGCONT");
    await stopWorkers(workers);
    await nats.stop();
  }
});

test("a zombie stopped at an arbitrary moment commits nothing after the takeover (checked on the revisions)", async () => {
  const nats = await startNats();
  const workers: Child[] = [];
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "2"])).code, 0);
    const zombie = await worker(nats.url, "zombie", 1);
    workers.push(zombie);
    assert.is((await interpret(ingestArgs(nats.url, RUNS[0]!))).code, 0);
    await until(() => /^committed 0\.\d 1-1/m.test(zombie.stdout()), 60_000, "the zombie's first commit");
    zombie.process.kill("SIGSTOP");
    const other = await worker(nats.url, "other", 3);
    workers.push(other);
    const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
    assert.is(flush.code, 0, flush.stderr);
    assert.match(other.stdout(), /^took \d+\.\d+ from zombie \(lease expired\)/m);
    const before = zombie.stdout().length;
    zombie.process.kill("SIGCONT");
    // The zombie believed it held every partition; the other worker holds them now.
    await until(() => /^lost /m.test(zombie.stdout().slice(before)), 30_000, "the zombie to find a partition lost");
    await finishRuns(nats.url, workers);
  } finally {
    for (const w of workers) if (w.process.exitCode === null) w.process.kill("SIGCONT");
    await stopWorkers(workers);
    await nats.stop();
  }
});

test("fencingViolations finds a commit after another worker's take", () => {
  const logs = { a: "took 0.1 [revision 3]\ncommitted 0.1 1-1 (1 out) [revision 5]\ncommitted 0.1 2-2 (1 out) [revision 9]", b: "took 0.1 from a (lease expired) [revision 7]\ncommitted 0.1 2-2 (1 out) [revision 8]" };
  assert.equal(fencingViolations(logs).length, 1);
  assert.match(fencingViolations(logs)[0]!, /^a committed 0\.1 at revision 9 .* b's "took 0\.1 from a/);
  assert.equal(fencingViolations({ a: logs.a.split("\n").slice(0, 2).join("\n"), b: logs.b }), []);
});

test.run();
