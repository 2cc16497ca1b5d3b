import { test } from "uvu";
import * as assert from "uvu/assert";
import { recordMaker } from "../../src/values/record-maker.js";

test("records have the schema's fields in order, safe for any name", () => {
  const names = ["b", "a", "__proto__", "constructor", "1", "x\"y", "`${evil}`", "\u65e5"];
  const rec = recordMaker(names)(["B", "A", "P", "C", "one", "q", "t", "j"]) as Record<string, unknown>;
  assert.equal(Object.keys(rec), ["1", "b", "a", "__proto__", "constructor", "x\"y", "`${evil}`", "\u65e5"]);
  assert.is(Object.getPrototypeOf(rec), Object.prototype);
  assert.is(rec["__proto__"], "P");
  assert.is(rec["x\"y"], "q");
});

test("missing values are null", () => {
  assert.equal(recordMaker(["a", "b"])(["x"]), { a: "x", b: null });
});

test.run();
