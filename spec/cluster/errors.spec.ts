// Bad input to cluster mode: each a clear message and an exit code, never a
// stack trace: a server that cannot be reached, a stream not initialised, a
// second init with other partitions, a stream file that changed since init,
// a malformed message in a partition (a reject with its subject and sequence),
// and usage errors in the CLI's one style.
import fs from "node:fs";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, NOW, streamsFolder, tempDir, readJsonl } from "../cli/helpers.js";
import { connectNats } from "../../src/cluster/nats.js";
import { spawnInterpret, startNats } from "./helpers.js";

const STREAM = "streams/peppa-files.stream";

test("a server that cannot be reached: one line naming it, exit 3", async () => {
  for (const sub of ["init", "ingest", "worker", "flush", "collect", "status"]) {
    const extra = sub === "init" ? ["--partitions", "2"] : sub === "collect" ? ["--out", tempDir()] : [];
    const r = await interpret(["cluster", sub, STREAM, "--nats", "nats://127.0.0.1:1", ...extra]);
    assert.is(r.code, 3, sub);
    assert.is(r.stderr, "interpret: cannot reach the NATS server at nats://127.0.0.1:1: connection refused\n", sub);
  }
});

test("not initialised, another partition count, a changed stream file: refused in words, exit 2", async () => {
  const nats = await startNats();
  try {
    const none = await interpret(["cluster", "status", STREAM, "--nats", nats.url]);
    assert.is(none.code, 2);
    assert.is(none.stderr, `interpret: stream \`peppa_files\` is not initialised on ${nats.url}; run \`interpret cluster init ${STREAM} --nats ${nats.url} --partitions P\` first\n`);

    const dir = streamsFolder();
    const file = path.join(dir, "peppa-files.stream");
    assert.is((await interpret(["cluster", "init", file, "--nats", nats.url, "--partitions", "4"])).code, 0);
    const other = await interpret(["cluster", "init", file, "--nats", nats.url, "--partitions", "8"]);
    assert.is(other.code, 2);
    assert.match(other.stderr, /^interpret: the cluster of stream `peppa_files` was initialised with 4 partitions; it cannot be initialised again with 8 /);

    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.replace("dedup core_unique from core_events by event_id within 30d", "dedup core_unique from core_events by event_id within 7d") + "\nsink extra from recon to jsonl \"out/extra.jsonl\"\n");
    for (const sub of ["ingest", "worker", "status"]) {
      const changed = await interpret(["cluster", sub, file, "--nats", nats.url]);
      assert.is(changed.code, 2, sub);
      assert.match(changed.stderr, /^interpret: .*peppa-files\.stream changed since `cluster init`: step `core_unique` changed, step `extra` was added; a running cluster keeps the stream it was initialised with/, sub);
    }
    const again = await interpret(["cluster", "init", file, "--nats", nats.url, "--partitions", "4"]);
    assert.is(again.code, 2);
    assert.match(again.stderr, /step `core_unique` changed/);
  } finally {
    await nats.stop();
  }
});

test("a malformed message becomes a reject with its subject and sequence; the balance still adds up", async () => {
  const nats = await startNats();
  let worker;
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "1"])).code, 0);
    const t = await connectNats({ url: nats.url, name: "peppa_files" });
    await t.log.append("s0", 0, [
      { id: "bad-1", data: new TextEncoder().encode("{not json") },
      { id: "bad-2", data: new TextEncoder().encode(JSON.stringify({ s: "nope", f: "x", l: 1, r: {} })) },
    ]);
    const subject = t.log.subject("s0", 0);
    await t.close();
    worker = await spawnInterpret(["cluster", "worker", STREAM, "--nats", nats.url, "--name", "w", "--now", NOW]);
    const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
    assert.is(flush.code, 0, flush.stderr);
    const out = tempDir();
    assert.is((await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out])).code, 0);
    const rejects = readJsonl(path.join(out, "out/rejects.jsonl"));
    assert.equal(rejects, [
      { step: "cluster", port: "invalid", run: 1, errors: [{ rule: "format", message: "a message that is not JSON" }], file: subject, line: 1, record: "{not json" },
      { step: "cluster", port: "invalid", run: 1, errors: [{ rule: "format", message: "a message for no source of stage 0" }], file: subject, line: 2, record: '{"s":"nope","f":"x","l":1,"r":{}}' },
    ]);
    const status = await interpret(["cluster", "status", STREAM, "--nats", nats.url]);
    assert.match(status.stdout, /^balance: read 2 .*rejected 2.*✓$/m);
    assert.match(status.stdout, /^rejects: cluster: malformed message: 2$/m);
  } finally {
    worker?.process.kill("SIGTERM");
    await worker?.exited;
    await nats.stop();
  }
});

test("usage errors: a missing --nats or --out, a bad --partitions or --batch, an unknown cluster command", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["cluster", "status", STREAM], /^interpret: --nats URL is required \(e\.g\. --nats nats:\/\/127\.0\.0\.1:4222\)\nusage: interpret cluster status FILE\.stream/],
    [["cluster", "init", STREAM, "--nats", "nats://127.0.0.1:1", "--partitions", "0"], /^interpret: --partitions takes a whole number of partitions, 1 or more, got `0`\n/],
    [["cluster", "init", STREAM, "--nats", "nats://127.0.0.1:1"], /^interpret: --partitions takes a whole number of partitions, 1 or more\n/],
    [["cluster", "worker", STREAM, "--nats", "nats://127.0.0.1:1", "--batch", "x"], /^interpret: --batch takes a whole number of messages, 1 or more, got `x`\n/],
    [["cluster", "worker", STREAM, "--nats", "nats://127.0.0.1:1", "--now", "soon"], /^interpret: --now takes an ISO-8601 timestamp/],
    [["cluster", "collect", STREAM, "--nats", "nats://127.0.0.1:1"], /^interpret: --out DIR is required\n/],
    [["cluster", "inti", STREAM], /^interpret: unknown cluster command `inti` \(did you mean `init`\?\)/],
    [["cluster", "worker", STREAM, "--nast", "x"], /^interpret: unknown option `--nast` \(did you mean `--nats`\?\)/],
    [["cluster", "init", "streams/peppa.stream", "--nats", "nats://127.0.0.1:1", "--partitions", "2"], /^interpret: streams\/peppa\.stream: source `\w+` is a simulate source, which cluster mode cannot run/],
  ];
  for (const [argv, want] of cases) {
    const r = await interpret(argv);
    assert.is(r.code, 2, argv.join(" "));
    assert.match(r.stderr, want, argv.join(" "));
    assert.is(r.stdout, "");
  }
  const help = await interpret(["cluster", "--help"]);
  assert.is(help.code, 0);
  for (const sub of ["init", "ingest", "worker", "flush", "collect", "status"]) assert.match(help.stdout, new RegExp(`interpret cluster ${sub} FILE\\.stream`));
});

test.run();
