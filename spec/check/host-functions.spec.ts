// Host functions are typed like built-ins; a bad registration is a diagnostic, not a crash.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileStream } from "../../src/plan/compile.js";

const text = `source s { n int }\nmap m from s { y = twice(n) }\nsink out from m to jsonl "out.jsonl"\n`;

test("a host function is checked with its declared types", () => {
  const ok = compileStream(text, { functions: { twice: { params: ["int"], returns: "int", impl: (x) => (typeof x === "number" ? x * 2 : null) } } });
  assert.equal(ok.diagnostics.filter((d) => d.severity === "error"), []);
  const bad = compileStream(text.replace("twice(n)", 'twice("x")'), { functions: { twice: { params: ["int"], returns: "int", impl: () => null } } });
  assert.equal(bad.diagnostics.map((d) => d.code), ["E2002"]);
});

test("a host function may not replace a built-in, nor declare an unknown type", () => {
  const r = compileStream(text.replace("twice", "lower"), {
    functions: { lower: { params: ["string"], returns: "string", impl: () => null }, twice: { params: ["integer"], returns: "int", impl: () => null } },
  });
  const host = r.diagnostics.filter((d) => d.code === "E1016");
  assert.equal(host.map((d) => d.message), [
    "host function `lower` has the name of a built-in function; choose another name",
    "host function `twice`: unknown type `integer`",
  ]);
  assert.equal(host[0]!.labels, []);
  assert.is(r.plan, undefined);
});

test.run();
