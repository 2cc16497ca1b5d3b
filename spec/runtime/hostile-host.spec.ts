// The embedding API under hostile host input: every bad call gives the
// documented error (RunnerError naming the bad part, or a Left from compile),
// never a TypeError or RangeError, and leaves the runner usable with its state
// unadvanced. A record that cannot be read is a reject of that record.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { compile, createRunner, RunnerError, type Plan, type Runner, type RunResult } from "../../src/index.js";
import { NOW } from "./helpers.js";

const TEXT = `stream t
param p int = 1
table tb from jsonl "x.jsonl" key k { k string  v int }
source s { id string  n int? }
map m from s { id = id  n = n  h = hostf(id)  v = tb[id].v }
aggregate a from m by id { c = count() }
dedup d from m by id
sink o from d to jsonl "o.jsonl"
sink ao from a to jsonl "a.jsonl"`;

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
const functions = {
  hostf: { params: ["string"], returns: "any", impl: (x: unknown) => (x === "cyc" ? cyclic : x === "fn" ? () => 1 : x) },
};

function planOf(): Plan {
  const c = compile(TEXT, { filename: "t.stream", functions: functions as never });
  if (c._tag === "Left") throw new Error(c.left.map((d) => d.message).join("\n"));
  return c.right;
}
const plan = planOf();
const GOOD_OPTIONS = { tables: { tb: [{ k: "a", v: 1 }] } };
const GOOD_RUN = { sources: { s: [{ id: "a", n: 2 }, { id: "b" }, { id: "a", n: 3 }] }, now: NOW };

/** Traps that all throw: a Proxy no host should hand in. */
const trap = (): never => {
  throw new Error("trap");
};
const throwingProxy = (target: object = {}): object =>
  new Proxy(target, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
const throwingGetter = (record: Record<string, unknown>, field: string): object =>
  Object.defineProperty({ ...record }, field, { enumerable: true, get: trap });

const withoutTimings = (r: RunResult): unknown => JSON.parse(JSON.stringify(r, (k, v) => (k === "ms" ? 0 : v)));

/** Calls that must throw RunnerError whose message matches, and leave the runner as it was. */
const RUN_ERRORS: ReadonlyArray<[string, (r: Runner) => unknown, RegExp]> = [
  ["run() with no argument", (r) => r.run(undefined as never), /run\(\) takes a request \{ sources, now \}, got nothing/],
  ["run(null)", (r) => r.run(null as never), /got null/],
  ["run(5)", (r) => r.run(5 as never), /got number 5/],
  ["a request that is a throwing Proxy", (r) => r.run(throwingProxy() as never), /the run request: reading `now` threw Error: trap/],
  ["now as a number", (r) => r.run({ now: 1732104000000 as never }), /the run clock `now` must be an ISO-8601 timestamp \(text\) or a Date, got number 1732104000000/],
  ["now as null", (r) => r.run({ now: null as never }), /the run clock `now` must be .* got null/],
  ["now as an object", (r) => r.run({ now: {} as never }), /the run clock `now` must be .* got an object/],
  ["now missing", (r) => r.run({} as never), /the run clock `now` must be .* got nothing/],
  ["now not ISO-8601", (r) => r.run({ now: "noon" }), /the run clock `noon` is not an ISO-8601 timestamp/],
  ["now an invalid Date", (r) => r.run({ now: new Date(NaN) }), /the run clock `now` must be .* got an object/],
  ["now a getter that throws", (r) => r.run(throwingGetter({}, "now") as never), /reading `now` threw Error: trap/],
  ["sources as a number", (r) => r.run({ now: NOW, sources: 5 as never }), /the run request's `sources` must be an object of batches by source name, got number 5/],
  ["sources as an array", (r) => r.run({ now: NOW, sources: [] as never }), /`sources` must be an object .* got an array/],
  ["sources a throwing Proxy", (r) => r.run({ now: NOW, sources: throwingProxy() as never }), /the run request's `sources`: listing its keys threw Error: trap/],
  ["a batch that is a number", (r) => r.run({ now: NOW, sources: { s: 5 as never } }), /the batch of source `s` must be an array, got number 5/],
  ["a batch that is a string", (r) => r.run({ now: NOW, sources: { s: "abc" as never } }), /the batch of source `s` must be an array, got the string "abc"/],
  ["a batch that is null", (r) => r.run({ now: NOW, sources: { s: null as never } }), /the batch of source `s` must be an array, got null/],
  ["a SourceBatch whose records are not an array", (r) => r.run({ now: NOW, sources: { s: { records: 5 } as never } }), /source `s`: `records` must be an array, got number 5/],
  ["a SourceBatch that is a throwing Proxy", (r) => r.run({ now: NOW, sources: { s: throwingProxy() as never } }), /source `s`: reading `records` threw Error: trap/],
  ["a batch array Proxy that throws", (r) => r.run({ now: NOW, sources: { s: throwingProxy([]) as never } }), /the batch of source `s` cannot be read: Error: trap/],
  ["malformed that is not a list", (r) => r.run({ now: NOW, sources: { s: { records: [], malformed: 5 } as never } }), /source `s`: `malformed` must be an array/],
  ["malformed entries that are null", (r) => r.run({ now: NOW, sources: { s: { records: [], malformed: [null] } as never } }), /`malformed\[0\]` must be \{ file: string, line: number, reason: string, text: string \}/],
  ["origins that are not a list", (r) => r.run({ now: NOW, sources: { s: { records: [{ id: "a" }], origins: 5 } as never } }), /source `s`: `origins` must be an array/],
  ["a parse that is not a function", (r) => r.run({ now: NOW, sources: { s: { records: [], parse: 5 } as never } }), /source `s`: `parse` must be a function \(text, line\) => \{record\} \| \{reason\}, got number 5/],
  ["an unknown source", (r) => r.run({ now: NOW, sources: { nope: [] } }), /the stream has no source `nope`/],
  ["final that is not a boolean", (r) => r.run({ now: NOW, final: "yes" as never }), /`final` must be true or false, got the string "yes"/],
  ["capture that is not a boolean", (r) => r.run({ now: NOW, capture: 1 as never }), /`capture` must be true or false, got number 1/],
  ["finish(5)", (r) => r.finish(5 as never), /finish\(\) takes nothing or \{ now \}, got number 5/],
  ["finish with a bad clock", (r) => r.finish({ now: "x" }), /the run clock `x` is not an ISO-8601 timestamp/],
  ["finish with a throwing Proxy", (r) => r.finish(throwingProxy() as never), /the finish request: reading `now` threw Error: trap/],
  ["finish before any run without a clock", (r) => r.finish(), /finish\(\) before any run needs a clock/],
];

/** createRunner calls that must throw RunnerError whose message matches. */
const CREATE_ERRORS: ReadonlyArray<[string, () => unknown, RegExp]> = [
  ["createRunner(null)", () => createRunner(null as never), /createRunner takes a plan that compile\(\) returned .* got null/],
  ["createRunner({}) (not a compiled plan)", () => createRunner({} as never), /takes a plan that compile\(\) returned .* got an object/],
  ["createRunner(a Proxy)", () => createRunner(throwingProxy() as never), /takes a plan that compile\(\) returned/],
  ["options 5", () => createRunner(plan, 5 as never), /the runner options must be an object \{ tables, params, state \}, got number 5/],
  ["options a throwing Proxy", () => createRunner(plan, throwingProxy() as never), /the runner options: reading `params` threw Error: trap/],
  ["tables missing", () => createRunner(plan, {}), /table `tb` was not given/],
  ["tables null", () => createRunner(plan, { tables: null as never }), /`tables` must be an object of rows by table name, got null/],
  ["tables a throwing Proxy", () => createRunner(plan, { tables: throwingProxy() as never }), /`tables`: listing its keys threw Error: trap/],
  ["a table that is a number", () => createRunner(plan, { tables: { tb: 5 as never } }), /table `tb`: its rows must be an array, got number 5/],
  ["a table row that is a number", () => createRunner(plan, { tables: { tb: [5] } }), /table `tb`, row 1: expected a record, got 5/],
  ["a table row that is a throwing Proxy", () => createRunner(plan, { tables: { tb: [throwingProxy()] } }), /table `tb`, row 1: the row cannot be read \(Error: trap\)/],
  ["a table row with a throwing getter", () => createRunner(plan, { tables: { tb: [throwingGetter({ k: "a" }, "v")] } }), /table `tb`, row 1: the row cannot be read \(Error: trap\)/],
  ["{ rows } that is not a list", () => createRunner(plan, { tables: { tb: { rows: 5 } as never } }), /table `tb`: `rows` must be an array, got number 5/],
  ["{ rows: [null] }", () => createRunner(plan, { tables: { tb: { rows: [null] } as never } }), /table `tb`: `rows\[0\]` must be \{ record, where\? \}, got null/],
  ["{ rows } with a where that is not text", () => createRunner(plan, { tables: { tb: { rows: [{ record: { k: "a", v: 1 }, where: 7 }] } as never } }), /`where` must be a string, got number 7/],
  ["params 5", () => createRunner(plan, { ...GOOD_OPTIONS, params: 5 as never }), /`params` must be an object of values by param name, got number 5/],
  ["params null", () => createRunner(plan, { ...GOOD_OPTIONS, params: null as never }), /`params` must be an object .* got null/],
  ["params a throwing Proxy", () => createRunner(plan, { ...GOOD_OPTIONS, params: throwingProxy() as never }), /`params`: listing its keys threw Error: trap/],
  ["a param with a throwing getter", () => createRunner(plan, { ...GOOD_OPTIONS, params: throwingGetter({}, "p") as never }), /`params`: reading `p` threw Error: trap/],
  ["a param that is an object", () => createRunner(plan, { ...GOOD_OPTIONS, params: { p: {} } }), /param `p`: expected int/],
  ["a param that is a throwing Proxy", () => createRunner(plan, { ...GOOD_OPTIONS, params: { p: throwingProxy() } }), /param `p`/],
  ["an unknown param", () => createRunner(plan, { ...GOOD_OPTIONS, params: { q: 1 } }), /the stream declares no param `q`/],
  ["state 5", () => createRunner(plan, { ...GOOD_OPTIONS, state: 5 }), /the state does not have the shape of a peppa-stream state/],
  ["state a throwing Proxy", () => createRunner(plan, { ...GOOD_OPTIONS, state: throwingProxy() }), /the state is not JSON data \(Error: trap\)/],
  ["state that is cyclic", () => createRunner(plan, { ...GOOD_OPTIONS, state: cyclic }), /the state is not JSON data \(TypeError: Converting circular structure/],
  ["state with negative runs", () => createRunner(plan, { ...GOOD_OPTIONS, state: { version: 1, runs: -1, dedup: {}, sessions: {}, sources: {} } }), /the state does not have the shape/],
  [
    "state with sessions that do not decode",
    () => createRunner(plan, { ...GOOD_OPTIONS, state: { version: 1, runs: 1, dedup: {}, sessions: { a: [{ key: "x", keys: [{ bogus: 1 }], first: 0, last: 0, due: null, fields: [] }] }, sources: {} } }),
    /the state's sessions of `a` do not fit this stream \(bad encoded value with tag "bogus"\)/,
  ],
  [
    "state with sessions whose accumulators are not lists",
    () => createRunner(plan, { ...GOOD_OPTIONS, state: { version: 1, runs: 1, dedup: {}, sessions: { a: [{ key: '["s","x"]', keys: ["x"], first: 0, last: 0, due: null, fields: [7] }] }, sources: {} } }),
    /the state's sessions of `a` do not fit this stream/,
  ],
];

for (const [name, call, message] of CREATE_ERRORS) {
  test(`createRunner: ${name} is a RunnerError naming it`, () => {
    try {
      call();
      assert.unreachable("no error");
    } catch (e) {
      if (!(e instanceof RunnerError)) throw e;
      assert.match(e.message, message);
    }
  });
}

for (const [name, call, message] of RUN_ERRORS) {
  test(`run: ${name} is a RunnerError naming it; the runner stays usable and its state unadvanced`, () => {
    const runner = createRunner(plan, GOOD_OPTIONS);
    runner.run(GOOD_RUN);
    const before = JSON.stringify(runner.state);
    try {
      call(name.includes("before any run") ? createRunner(plan, GOOD_OPTIONS) : runner);
      assert.unreachable("no error");
    } catch (e) {
      if (!(e instanceof RunnerError)) throw e;
      assert.match(e.message, message);
    }
    assert.is(JSON.stringify(runner.state), before);
    const fresh = createRunner(plan, GOOD_OPTIONS);
    fresh.run(GOOD_RUN);
    assert.equal(withoutTimings(runner.run({ ...GOOD_RUN, now: "2026-11-20T13:00:00Z" })), withoutTimings(fresh.run({ ...GOOD_RUN, now: "2026-11-20T13:00:00Z" })));
  });
}

test("compile(null), compile(12345) and bad options are a Left with a diagnostic, never an exception", () => {
  const cases: Array<[() => ReturnType<typeof compile>, string, RegExp]> = [
    [() => compile(null as never), "E3002", /compile takes the stream's text as a string, got null/],
    [() => compile(12345 as never), "E3002", /got number 12345/],
    [() => compile(undefined as never), "E3002", /got nothing/],
    [() => compile(TEXT, 5 as never), "E3002", /the compile options must be an object \{ filename, functions \}, got number 5/],
    [() => compile(TEXT, throwingProxy() as never), "E3002", /reading `filename` threw Error: trap/],
    [() => compile(TEXT, { filename: 5 as never }), "E3002", /`filename` must be a string, got number 5/],
    [() => compile(TEXT, { functions: null as never }), "E1016", /`functions` must be an object of host functions by name, got null/],
    [() => compile(TEXT, { functions: throwingProxy() as never }), "E1016", /`functions`: listing its names threw Error: trap/],
    [() => compile(TEXT, { functions: { hostf: null as never } }), "E1016", /host function `hostf` must be \{ params, returns, impl \}, got null/],
    [() => compile(TEXT, { functions: { hostf: { params: 3, returns: "any", impl: () => 1 } as never } }), "E1016", /`params` must be a list of type names/],
    [() => compile(TEXT, { functions: { hostf: { params: ["string"], returns: 1, impl: () => 1 } as never } }), "E1016", /`returns` must be a type name/],
    [() => compile(TEXT, { functions: { hostf: { params: ["string"], returns: "any", impl: "no" } as never } }), "E1016", /`impl` must be a function/],
    [() => compile(TEXT, { functions: { hostf: throwingProxy() as never } }), "E1016", /host function `hostf`/],
  ];
  for (const [call, code, message] of cases) {
    const c = call();
    assert.is(c._tag, "Left");
    if (c._tag === "Left") {
      assert.is(c.left[0]!.code, code);
      assert.match(c.left[0]!.message, message);
    }
  }
});

test("a record that cannot be read is a reject of that record on the source's `invalid` port; the others go on", () => {
  const runner = createRunner(plan, GOOD_OPTIONS);
  const r = runner.run({ sources: { s: [{ id: "a" }, throwingGetter({ id: "b" }, "n"), throwingProxy(), 5, null, { id: "c" }] }, now: NOW });
  assert.equal(r.outputs.o!.map((x) => x.id), ["a", "c"]);
  const invalid = r.rejects.filter((x) => x.step === "s" && x.port === "invalid");
  assert.equal(
    invalid.map((x) => x.errors),
    [
      [{ rule: "schema", message: "the record cannot be read: Error: trap" }],
      [{ rule: "schema", message: "the record cannot be read: Error: trap" }],
      [{ rule: "schema", message: "expected a record, got 5" }],
      [{ rule: "schema", message: "expected a record, got null" }],
    ],
  );
  assert.is(r.report.balance.rejected, 4);
  assert.is(r.report.balanced, true);
});

test("a batch of unparsed lines: each is parsed when decoded; a line parse refuses, or a parse that throws, is a reject of that line", () => {
  const runner = createRunner(plan, GOOD_OPTIONS);
  const parse = (text: string, line: number) => {
    if (text === "boom") throw new Error("boom");
    try {
      return { record: JSON.parse(text) as unknown };
    } catch {
      return { reason: `line ${line}: not JSON` };
    }
  };
  const records = ['{"id":"a"}', "nope", "boom", { id: "c" }, '{"id":"d"}'];
  const origins = records.map((_, i) => ({ file: "in.jsonl", line: i + 1 }));
  const r = runner.run({ sources: { s: { records, origins, parse } }, now: NOW });
  assert.equal(r.outputs.o!.map((x) => x.id), ["a", "c", "d"]);
  const invalid = r.rejects.filter((x) => x.step === "s" && x.port === "invalid");
  assert.equal(
    invalid.map((x) => [x.errors, x.line, x.record]),
    [
      [[{ rule: "format", message: "line 2: not JSON" }], 2, "nope"],
      [[{ rule: "schema", message: "the record cannot be read: Error: boom" }], 3, null],
    ],
  );
  assert.is(r.report.balance.read, 5);
  assert.is(r.report.balanced, true);
});

test("a host function's result that is no value (cyclic, a function) is null; the run goes on", () => {
  const runner = createRunner(plan, GOOD_OPTIONS);
  const r = runner.run({ sources: { s: [{ id: "cyc" }, { id: "fn" }, { id: "a" }] }, now: NOW });
  assert.equal(r.outputs.o!.map((x) => [x.id, x.h]), [["cyc", null], ["fn", null], ["a", "a"]]);
  // Not silently: each such call is an error of the step that made it.
  const m = r.report.steps.find((s) => s.step === "m")!;
  assert.is(m.errors, 2);
  assert.is(m.firstError, "hostf: host function `hostf` returned a cyclic value");
  assert.equal(r.report.steps.filter((s) => s.errors !== undefined).map((s) => s.step), ["m"]);
});

test("a host function that throws gives null, and each throw counts as an error of its step", () => {
  const text = `source s { n int }
map m from s { n = n  y = flaky(n) }
validate v from m { require flaky(n) != null else "no rate" }
sink o from v to jsonl "o.jsonl"`;
  const flaky = { params: ["int"], returns: "int", impl: (x: unknown) => { if (x === 2) throw new Error("rate service down"); return x; } };
  const c = compile(text, { filename: "t.stream", functions: { flaky } as never });
  if (c._tag === "Left") throw new Error(c.left.map((d) => d.message).join("\n"));
  const runner = createRunner(c.right);
  const r = runner.run({ sources: { s: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 2 }] }, now: NOW });
  assert.equal(r.outputs.o!.map((x) => [x.n, x.y]), [[1, 1], [3, 3]]);
  const errors = Object.fromEntries(r.report.steps.map((s) => [s.step, [s.errors, s.firstError]]));
  assert.equal(errors, {
    s: [undefined, undefined],
    m: [2, "flaky: rate service down"],
    v: [2, "flaky: rate service down"],
    o: [undefined, undefined],
  });
  // The next run counts afresh.
  const again = runner.run({ sources: { s: [{ n: 2 }] }, now: NOW });
  assert.is(again.report.steps.find((s) => s.step === "m")!.errors, 1);
  assert.is(again.report.balanced, true);
});

// Values a hostile host might hand anywhere: anything fast-check makes, plus
// Proxies and getters that throw. The arbitraries give recipes, and the values
// are built inside the property (fast-check itself would trip over a Proxy's traps).
type Recipe =
  | { readonly kind: "any"; readonly v: unknown }
  | { readonly kind: "proxy" | "proxy-array" | "cyclic" | "bad-date" }
  | { readonly kind: "getter"; readonly v: unknown }
  | { readonly kind: "list"; readonly items: ReadonlyArray<Recipe> };

const leaf: fc.Arbitrary<Recipe> = fc.oneof(
  fc.anything().map((v): Recipe => ({ kind: "any", v })),
  fc.constantFrom<Recipe>({ kind: "proxy" }, { kind: "proxy-array" }, { kind: "cyclic" }, { kind: "bad-date" }),
  fc.anything().map((v): Recipe => ({ kind: "getter", v })),
);
const recipe: fc.Arbitrary<Recipe> = fc.oneof(leaf, fc.array(leaf, { maxLength: 4 }).map((items): Recipe => ({ kind: "list", items })));

function build(r: Recipe): unknown {
  switch (r.kind) {
    case "any":
      return r.v;
    case "proxy":
      return throwingProxy();
    case "proxy-array":
      return throwingProxy([]);
    case "cyclic":
      return cyclic;
    case "bad-date":
      return new Date(NaN);
    case "getter":
      return throwingGetter({ id: "x", n: r.v }, "n");
    case "list":
      return r.items.map(build);
  }
}

/** Where in a run request the hostile value goes. */
const REQUESTS: ReadonlyArray<(v: unknown) => unknown> = [
  (v) => v,
  (v) => ({ now: v }),
  (v) => ({ now: NOW, sources: v }),
  (v) => ({ now: NOW, sources: { s: v } }),
  (v) => ({ now: NOW, sources: { s: [v] } }),
  (v) => ({ now: NOW, sources: { s: { records: [v], origins: v } } }),
  (v) => ({ now: NOW, sources: { s: { records: [], malformed: v } } }),
  (v) => ({ now: NOW, final: v, capture: v }),
];

/** Where in the runner options the hostile value goes. */
const OPTIONS: ReadonlyArray<(v: unknown) => unknown> = [
  (v) => v,
  (v) => ({ tables: v }),
  (v) => ({ tables: { tb: v } }),
  (v) => ({ tables: { tb: [v] } }),
  (v) => ({ tables: { tb: { rows: v, csv: v } } }),
  (v) => ({ ...GOOD_OPTIONS, params: v }),
  (v) => ({ ...GOOD_OPTIONS, params: { p: v } }),
  (v) => ({ ...GOOD_OPTIONS, state: v }),
];

const place = <T>(places: ReadonlyArray<T>): fc.Arbitrary<T> => fc.constantFrom(...places);

const onlyRunnerErrors = (call: () => unknown): void => {
  try {
    call();
  } catch (e) {
    if (!(e instanceof RunnerError)) throw new Error(`not a RunnerError: ${e instanceof Error ? e.stack : String(e)}`);
  }
};

/**
 * fc.assert, without printing the counterexample: printing a Proxy whose traps
 * throw would throw again and hide the failure's own message.
 */
function assertProperty(property: fc.IProperty<never> | fc.IPropertyWithHooks<never>, numRuns: number): void {
  const details = fc.check(property as fc.IProperty<unknown>, { numRuns });
  if (details.failed) throw new Error(`property failed after ${details.numRuns} runs (seed ${details.seed}): ${details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance)}`);
}

test("property: hostile values passed anywhere in the API never throw anything but RunnerError", () => {
  assertProperty(
    fc.property(recipe, recipe, place(OPTIONS), recipe, place(REQUESTS), (textRecipe, optionsRecipe, inOptions, requestRecipe, inRequest) => {
      const text = build(textRecipe);
      const options = inOptions(build(optionsRecipe));
      const request = inRequest(build(requestRecipe));
      // compile never throws: a Left for what is not a stream, a Right for what happens to be one.
      const c = compile(text as never, options as never);
      assert.ok(c._tag === "Left" || c._tag === "Right");
      onlyRunnerErrors(() => createRunner(text as never, options as never));
      onlyRunnerErrors(() => createRunner(plan, options as never));
      const runner = createRunner(plan, GOOD_OPTIONS);
      onlyRunnerErrors(() => runner.run(request as never));
      onlyRunnerErrors(() => runner.finish(request as never));
    }) as never,
    300,
  );
});

test("property: after a refused call, the runner's next good run gives what a fresh runner's gives", () => {
  assertProperty(
    fc.property(recipe, place(REQUESTS), (requestRecipe, inRequest) => {
      const request = inRequest(build(requestRecipe));
      const runner = createRunner(plan, GOOD_OPTIONS);
      const fresh = createRunner(plan, GOOD_OPTIONS);
      let refused = false;
      try {
        runner.run(request as never);
      } catch (e) {
        if (!(e instanceof RunnerError)) throw e;
        refused = true;
      }
      if (!refused) return; // a request that was good after all is a run of its own; nothing to compare
      assert.is(runner.state.runs, 0);
      assert.equal(withoutTimings(runner.run(GOOD_RUN)), withoutTimings(fresh.run(GOOD_RUN)));
    }) as never,
    300,
  );
});

test.run();
