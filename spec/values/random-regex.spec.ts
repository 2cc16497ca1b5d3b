import { test } from "uvu";
import * as assert from "uvu/assert";
import { chance, randomChoice, randomInt, simulationRandom } from "../../src/values/random.js";
import { compileRegex } from "../../src/values/regex.js";

test("simulation randomness is reproducible per (seed, run, position)", () => {
  const draw = (s: number, r: number, p: number) => Array.from({ length: 5 }, simulationRandom(s, r, p));
  assert.equal(draw(7, 1, 1), draw(7, 1, 1));
  assert.not.equal(draw(7, 1, 1), draw(7, 1, 2));
  assert.not.equal(draw(7, 1, 1), draw(7, 2, 1));
  assert.not.equal(draw(7, 1, 1), draw(8, 1, 1));
  const rnd = simulationRandom(1, 1, 1);
  let sum = 0;
  const seen = new Set<number>();
  for (let i = 0; i < 20000; i++) {
    const x = rnd();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    seen.add(randomInt(rnd, 1, 6)!);
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.02);
  assert.equal([...seen].sort(), [1, 2, 3, 4, 5, 6]);
});

test("helpers", () => {
  const rnd = simulationRandom(3, 1, 1);
  assert.is(randomInt(rnd, 5, 4), null);
  assert.is(randomInt(rnd, 4, 4), 4);
  assert.is(randomChoice(rnd, []), null);
  assert.is(randomChoice(rnd, ["only"]), "only");
  assert.is(chance(rnd, 0), false);
  assert.is(chance(rnd, 1), true);
  assert.is(chance(rnd, NaN), null);
});

test("regexes search anywhere unless anchored; bad ones are reported", () => {
  const re = compileRegex("^evt-[0-9]+-[0-9]+$");
  assert.ok(re.ok && re.test("evt-1-2") && !re.test("xevt-1-2"));
  const any = compileRegex("[0-9]");
  assert.ok(any.ok && any.test("ab3"));
  const bad = compileRegex("(");
  assert.ok(!bad.ok && bad.message.includes("missing closing"));
  assert.not.ok(compileRegex("(?=x)").ok); // no lookahead in RE2
});

test.run();
