// `source NAME from nats "SUBJECT"` and `sink NAME from INPUT to nats "SUBJECT"`:
// in cluster mode producers publish records to the subject themselves (a
// malformed one is a reject with the subject and sequence) and billing reads
// the sink's records from its subject, each once; a single-process run
// refuses both with a hint.
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpret, NOW, readJsonl, tempDir } from "../cli/helpers.js";
import { connect } from "nats";
import { connectNats } from "../../src/cluster/nats.js";
import { spawnInterpret, startNats } from "./helpers.js";

const STREAM = "spec/cluster/fixtures/orders.stream";
const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

test("a single-process run refuses nats sources and sinks with a hint, exit 2", async () => {
  const r = await interpret([STREAM, "--now", NOW, "--out", tempDir()]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /^interpret: source `orders` reads the NATS subject "shop\.orders", which a single-process run cannot; hint: cluster mode runs it/);
  assert.match(r.stderr, /\ninterpret: sink `invoices` publishes to the NATS subject "billing\.invoices", which a single-process run cannot/);
  const check = await interpret(["check", STREAM]);
  assert.is(check.code, 0, check.stderr);
});

test("records published to the source's subject reach the sink's subject once each; a malformed one is a reject with subject and sequence", async () => {
  const nats = await startNats();
  let worker;
  try {
    assert.is((await interpret(["cluster", "init", STREAM, "--nats", nats.url, "--partitions", "2"])).code, 0);
    // A producer of its own: plain JetStream publishes to the source's subject.
    const nc = await connect({ servers: nats.url });
    const js = nc.jetstream();
    const producer = async (messages: unknown[]) => {
      for (const m of messages) await js.publish("shop.orders", enc(m));
    };
    await producer([{ id: "o1", account: "A", qty: 2 }, { id: "o2", account: "B", qty: 5 }, { id: "o1", account: "A", qty: 2 }, "not json", { id: "o3", account: "A", qty: 1 }]);
    worker = await spawnInterpret(["cluster", "worker", STREAM, "--nats", nats.url, "--name", "w", "--now", NOW, "--batch", "2"]);
    const flush = await interpret(["cluster", "flush", STREAM, "--nats", nats.url]);
    assert.is(flush.code, 0, flush.stderr);
    await nc.close();
    const t = await connectNats({ url: nats.url, name: "orders_demo" });
    await t.log.bind("sink_invoices", 0, "billing.invoices");
    const invoices = (await t.log.read("sink_invoices", 0, 1, 100)).map((m) => JSON.parse(new TextDecoder().decode(m.data)) as Record<string, unknown>);
    assert.equal(invoices.sort((a, b) => String(a["account"]).localeCompare(String(b["account"]))), [
      { account: "A", orders: 2, qty: 3 },
      { account: "B", orders: 1, qty: 5 },
    ]);
    assert.is(t.log.subject("sink_invoices", 0), "billing.invoices");
    const out = tempDir();
    assert.is((await interpret(["cluster", "collect", STREAM, "--nats", nats.url, "--out", out])).code, 0);
    assert.is(readJsonl(path.join(out, "out/invoices.jsonl")).length, 2);
    const rejects = readJsonl(path.join(out, "out/rejects.jsonl"));
    assert.is(rejects.length, 1);
    assert.equal([rejects[0]!["step"], rejects[0]!["file"], rejects[0]!["line"], rejects[0]!["record"]], ["orders", "shop.orders", 4, "not json"]);
    await t.close();
  } finally {
    worker?.process.kill("SIGTERM");
    await worker?.exited;
    await nats.stop();
  }
});

test.run();
