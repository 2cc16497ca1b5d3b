// The native fast path for `matches` must agree with RE2 (re2js) on every input,
// and must only take patterns whose backtracking has no choices.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { RE2JS } from "re2js";
import { fastRegex } from "../../src/values/regex-fast.js";

const TAKEN = ["^evt-[0-9]+-[0-9]+$", "^Q[0-9]+$", "^[A-Z]{3}-\\d{4}$", "^[a-z]+@[a-z]+\\.[a-z]{2,3}$", "^T-\\d+", "^[^-]+-[0-9]*$", "^x?y{2,}z$", "^\\w+:\\d+$"];
const REFUSED = ["evt-[0-9]+", "^(a+)+$", "^a*a$", "^[a-z]*[0-9]*x$", "^a|b$", "^.*$", "^\\s+$", "^a+?$", "^[[:alpha:]]+$", "^\\pL+$", "^(?i)abc$", "^[a-z]+[a-z]$"];

test("the backtracking-free subset is taken, everything else left to re2js", () => {
  for (const p of TAKEN) assert.ok(fastRegex(p), `should take ${p}`);
  for (const p of REFUSED) assert.is(fastRegex(p), undefined, `should refuse ${p}`);
});

test("property: the fast path agrees with RE2 on random text", () => {
  const alphabet = fc.constantFrom(..."evtQTxyzab-@.:_0123456789 AZ\r\n\u00e9\u{1F600}".split(/(?:)/u));
  const text = fc.oneof(fc.array(alphabet, { maxLength: 20 }).map((a) => a.join("")), fc.constantFrom("evt-1-2", "evt-12-345", "Q77", "ABC-1234", "ab@cd.efg", "T-9", "x:1", "a_b:22", "xyyz"));
  for (const p of TAKEN) {
    const fast = fastRegex(p)!;
    const re2 = RE2JS.compile(p);
    fc.assert(fc.property(text, (s) => fast(s) === re2.test(s)), { numRuns: 400 });
  }
});

test.run();
