// The hand-run kill test of bench/state-kill.ts at a small state: real interpreter
// processes killed with SIGKILL during their commits and at random moments, and the
// outputs and the store afterwards exactly what an uninterrupted sequence of runs
// leaves (checked line by line against the generator). At 10M keys it is run by hand.
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { killTest } from "../../bench/state-kill.js";

test("killed before and after the commit point and at random moments: no record lost or doubled, the store as if each run happened once", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peppa-state-kill-"));
  const r = await killTest({ keys: 900, batch: 100, kills: 4, seed: 7, dir, schedule: ["temp-1", "timer", "commit", "prepare"] });
  assert.equal(r.problems, []);
  assert.is(r.keys, 900);
  const recoveries = r.kills.map((k) => `${k.at}: ${k.recovery}`);
  assert.ok(recoveries.includes("commit step `temp-1`: an interrupted commit was undone"), recoveries.join("; "));
  assert.ok(recoveries.includes("commit step `commit`: an interrupted commit was completed"), recoveries.join("; "));
  assert.ok(recoveries.includes("commit step `prepare`: an interrupted commit was undone"), recoveries.join("; "));
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
