// Every subcommand's command line goes through one parser and one table of
// options: its own --help, -V/--version, "did you mean" for an unknown option,
// one error style (`interpret: …` and the usage line on stderr, exit 2).
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { helpText, parseCommand, usageLine } from "../../src/cli/args.js";
import { SUBCOMMANDS } from "../../src/cli/commands.js";
import { interpret } from "./helpers.js";

for (const spec of SUBCOMMANDS) {
  test(`interpret ${spec.name} --help and -h print its own usage and every option, exit 0`, async () => {
    for (const flag of ["--help", "-h"]) {
      const r = await interpret([...spec.name.split(" "), flag]);
      assert.is(r.code, 0, r.stderr);
      assert.is(r.stderr, "");
      assert.ok(r.stdout.startsWith(`usage: interpret ${spec.usageName ?? spec.name} ${spec.args}`), r.stdout);
      for (const o of spec.options) assert.ok(r.stdout.includes(`--${o.name}`), `${spec.name} --help names --${o.name}`);
      assert.ok(r.stdout.includes("-h, --help"));
      assert.is(r.stdout, helpText(spec));
    }
  });

  test(`interpret ${spec.name} with an unknown option: one line naming it, the usage, exit 2`, async () => {
    const r = await interpret([...spec.name.split(" "), "streams/peppa.stream", "--bogus-option"]);
    assert.is(r.code, 2);
    assert.is(r.stdout, "");
    assert.is(r.stderr, `interpret: unknown option \`--bogus-option\`\n${usageLine(spec)}\n(see interpret ${spec.name} --help)\n`);
  });
}

test("an option one typo away gets a suggestion", async () => {
  const run = await interpret(["streams/peppa.stream", "--stat", "x.state"]);
  assert.is(run.code, 2);
  assert.match(run.stderr, /^interpret: unknown option `--stat` \(did you mean `--state`\?\)\n/);
  const graph = await interpret(["graph", "streams/peppa.stream", "--fromat", "dot"]);
  assert.match(graph.stderr, /^interpret: unknown option `--fromat` \(did you mean `--format`\?\)/);
  const test_ = await interpret(["test", "streams/peppa.stream", "--filtre", "x"]);
  assert.match(test_.stderr, /^interpret: unknown option `--filtre` \(did you mean `--filter`\?\)/);
  const cmd = await interpret(["chek", "streams/peppa.stream"]);
  assert.is(cmd.code, 2);
  assert.match(cmd.stderr, /^interpret: unknown command `chek` \(did you mean `check`\?\)/);
});

test("-V, -v and --version print the version; interpret --help lists every command", async () => {
  for (const flag of ["-V", "-v", "--version"]) {
    const r = await interpret([flag]);
    assert.is(r.code, 0);
    assert.match(r.stdout, /^interpret \d+\.\d+\.\d+\n$/);
  }
  const help = await interpret(["-h"]);
  assert.is(help.code, 0);
  for (const spec of SUBCOMMANDS) assert.ok(help.stdout.includes(`interpret ${spec.name} ${spec.args}`), spec.name);
});

test("a value missing, a value given to a flag, and a bad value are usage errors in the same style", async () => {
  const cases: Array<[string[], string]> = [
    [["run", "streams/peppa.stream", "--out"], "interpret: --out needs a value: --out DIR\n"],
    [["plan", "streams/peppa.stream", "--json=yes"], "interpret: --json takes no value, got `--json=yes`\n"],
    [["graph", "streams/peppa.stream", "--format", "png"], "interpret: unknown format `png`: use svg, mermaid or dot\n"],
    [["graph", "streams/peppa.stream", "--direction=up"], "interpret: unknown direction `up`: use lr (left to right) or tb (top to bottom)\n"],
    [["fmt", "streams/peppa.stream", "--write", "--check"], "interpret: give --write or --check, not both\n"],
    [["test", "--filter"], "interpret: --filter needs a value: --filter TEXT\n"],
    [["check"], "interpret: name the stream to check\n"],
    [["plan", "a.stream", "b.stream"], "interpret: name one stream\n"],
    [["run", "streams/peppa.stream", "--runs", "0"], "interpret: --runs takes a whole number of runs, 1 or more, got `0`\n"],
    [["streams/peppa.stream", "--param", "x"], "interpret: --param takes NAME=VALUE, got `x` (e.g. --param region=EU)\n"],
  ];
  for (const [argv, first] of cases) {
    const r = await interpret(argv);
    assert.is(r.code, 2, argv.join(" "));
    assert.ok(r.stderr.startsWith(first), `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /\nusage: interpret /);
  }
});

test("an unreadable file is one `interpret:` line without the errno text twice, for every command", async () => {
  for (const argv of [["check", "nope.stream"], ["fmt", "nope.stream"], ["plan", "nope.stream"], ["graph", "nope.stream"], ["test", "nope.stream"], ["nope.stream"]]) {
    const r = await interpret(argv);
    assert.is(r.code, 2, argv.join(" "));
    assert.is(r.stderr, "interpret: cannot read nope.stream: no such file\n", argv.join(" "));
  }
});

test("options keep their forms: --opt value, --opt=value, short aliases, repeated options, -- ends the options", () => {
  const graph = SUBCOMMANDS.find((s) => s.name === "graph")!;
  const a = parseCommand(graph, ["-f", "dot", "x.stream", "--direction=lr", "-o", "g.dot"]);
  assert.ok(isRight(a));
  if (isRight(a)) {
    assert.equal(a.right.values, { format: "dot", direction: "lr", output: "g.dot" });
    assert.equal(a.right.positionals, ["x.stream"]);
  }
  const run = SUBCOMMANDS.find((s) => s.name === "run")!;
  const b = parseCommand(run, ["--param", "a=1", "x.stream", "--param=b=2", "--", "--json"]);
  assert.ok(isRight(b));
  if (isRight(b)) {
    assert.equal(b.right.values, { param: ["a=1", "b=2"] });
    assert.equal(b.right.positionals, ["x.stream", "--json"]);
  }
});

test("property: the parser never throws; every word is a positional, a known option, or a usage error", () => {
  const word = fc.oneof(fc.string(), fc.constantFrom("--json", "--out", "-o", "-h", "--", "-", "--x=1", "--param=a=b", "-fw"));
  fc.assert(
    fc.property(fc.constantFrom(...SUBCOMMANDS), fc.array(word, { maxLength: 8 }), (spec, argv) => {
      const r = parseCommand(spec, argv);
      if (isLeft(r)) return /^(unknown option `|--?[A-Za-z].* (needs a value|takes no value))/.test(r.left);
      const known = new Set([...spec.options.map((o) => o.name)]);
      return Object.keys(r.right.values).every((k) => known.has(k));
    }),
    { numRuns: 500 },
  );
});

test.run();
