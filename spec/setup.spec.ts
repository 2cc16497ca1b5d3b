import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";

// Every property that says `maxLength: N` relies on spec/setup.ts; without it no array passes 10.
test("fast-check grows a property's arrays to the maxLength it gives (spec/setup.ts is loaded)", () => {
  const longest = Math.max(...fc.sample(fc.array(fc.nat(), { maxLength: 400 }), { numRuns: 200, seed: 1 }).map((a) => a.length));
  assert.ok(longest > 100, `the longest of 200 arrays had ${longest} elements`);
});

test.run();
