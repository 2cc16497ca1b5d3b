// The two promises of the transport that fencing and exactly-once rest on, on a
// real nats-server: a key-value write that names a revision succeeds only while
// that revision is the key's (a stale one is refused, whoever wrote since), and an
// append of an id the log already has adds nothing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { connectNats } from "../../src/cluster/nats.js";
import { newEntry, readEntry, writeEntry } from "../../src/cluster/partition.js";
import { startNats } from "./helpers.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test("a write on a stale revision is refused and changes nothing; a write on the current one succeeds", async () => {
  const nats = await startNats();
  const t = await connectNats({ url: nats.url, name: "cas" });
  try {
    const kv = (await t.store(true))!;
    const r1 = await kv.create("k", enc("a"));
    assert.ok(r1 !== undefined);
    assert.is(await kv.create("k", enc("again")), undefined, "create of an existing key is refused");
    const r2 = await kv.update("k", enc("b"), r1!);
    assert.ok(r2 !== undefined && r2 > r1!);
    // The zombie's case: it still holds r1, another writer moved the key on to r2.
    assert.is(await kv.update("k", enc("zombie"), r1!), undefined);
    assert.equal(dec((await kv.get("k"))!.value), "b");
    assert.is((await kv.get("k"))!.revision, r2);
    // A revision of another key is stale too.
    const other = await kv.create("other", enc("x"));
    assert.is(await kv.update("k", enc("wrong key"), other!), undefined);

    // A partition entry: a take, then the old owner's commit on the revision it held.
    const taken = await writeEntry(kv, 0, 0, { ...newEntry(), owner: "a", until: 1 }, 0);
    const byB = await writeEntry(kv, 0, 0, { ...newEntry(), owner: "b", until: 2 }, taken!);
    assert.is(await writeEntry(kv, 0, 0, { ...newEntry(), owner: "a", pos: 9 }, taken!), undefined);
    const read = await readEntry(kv, 0, 0);
    assert.equal([read!.entry.owner, read!.entry.pos, read!.revision], ["b", 0, byB]);
  } finally {
    await t.close();
    await nats.stop();
  }
});

test("property: among writers holding arbitrary revisions, exactly the writes naming the key's current revision succeed", async () => {
  const nats = await startNats();
  const t = await connectNats({ url: nats.url, name: "casprop" });
  try {
    const kv = (await t.store(true))!;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ writer: fc.nat(3), stale: fc.boolean() }), { minLength: 1, maxLength: 12 }), async (steps) => {
        const key = `p${round++}`;
        let current = (await kv.create(key, enc("0")))!;
        // What each of four writers last saw: a fresh writer read the key, a stale one kept an old revision.
        const seen = [current, current, current, current];
        for (const [i, s] of steps.entries()) {
          if (!s.stale) seen[s.writer] = current;
          const rev = await kv.update(key, enc(String(i + 1)), seen[s.writer]!);
          if (seen[s.writer] === current) {
            assert.ok(rev !== undefined, "a write on the current revision succeeds");
            current = rev!;
            seen[s.writer] = rev!;
          } else assert.is(rev, undefined, "a write on an old revision is refused");
        }
        assert.is((await kv.get(key))!.revision, current);
      }),
      { numRuns: 25 },
    );
  } finally {
    await t.close();
    await nats.stop();
  }
});

test("an append of an id the partition already has adds nothing", async () => {
  const nats = await startNats();
  const t = await connectNats({ url: nats.url, name: "dup" });
  try {
    await t.log.ensureTopic("s0", 1);
    assert.equal(await t.log.append("s0", 0, [{ id: "a", data: enc("1") }, { id: "b", data: enc("2") }]), { duplicates: 0 });
    assert.equal(await t.log.append("s0", 0, [{ id: "b", data: enc("2") }, { id: "c", data: enc("3") }]), { duplicates: 1 });
    assert.is(await t.log.end("s0", 0), 3);
    assert.equal((await t.log.read("s0", 0, 1, 10)).map((m) => [m.seq, dec(m.data)]), [[1, "1"], [2, "2"], [3, "3"]]);
  } finally {
    await t.close();
    await nats.stop();
  }
});

test.run();
