// The transport on NATS JetStream (the `nats` 2.x client). Each partition of a
// topic is its own JetStream stream, so its sequence is the partition's offset
// (1-based, no gaps, as the log interface promises) and a stream's
// duplicate window drops an id appended twice. The store is a KV bucket, whose
// `update(key, value, revision)` is the compare-and-set the fencing needs.
import { connect, DeliverPolicy, nanos, StorageType, type JetStreamClient, type JetStreamManager, type KV, type NatsConnection } from "nats";
import { TransportError, type Entry, type KeyValue, type LogMessage, type OutgoingMessage, type PartitionedLog, type Transport } from "./transport.js";

export interface NatsOptions {
  /** `nats://127.0.0.1:4222`, or several separated by commas. */
  readonly url: string;
  /** The cluster's name: the prefix of its streams, subjects and bucket. */
  readonly name: string;
  /** Copies of every stream and of the bucket (1 for one server, 3 on a 3-node cluster). */
  readonly replicas?: number;
}

/** How long the server remembers an id: a rerun after a crash or a resumed zombie republishes within it. */
export const DUPLICATE_WINDOW_MS = 60 * 60 * 1000;

/** Why a NATS call failed, in words. */
export function natsReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === "CONNECTION_REFUSED" || /ECONNREFUSED/.test(message)) return "connection refused";
  if (code === "503" || /no responders/i.test(message)) return "JetStream is not enabled on the server (start it with -js)";
  if (code === "TIMEOUT" || /timeout/i.test(message)) return "the server did not answer in time";
  return message;
}

const isConflict = (e: unknown): boolean => /wrong last sequence|key exists/i.test(e instanceof Error ? e.message : String(e));
const isMissing = (e: unknown): boolean => /not found/i.test(e instanceof Error ? e.message : String(e));

class NatsLog implements PartitionedLog {
  private readonly known = new Set<string>();
  /** Partitions bound to an outside subject (`from nats`, `to nats`): topic/partition -> subject. */
  private readonly bound = new Map<string, string>();
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly name: string,
    private readonly replicas: number,
  ) {}

  private streamName(topic: string, partition: number): string {
    return `PEPPA_${this.name}_${topic}_${partition}`;
  }
  subject(topic: string, partition: number): string {
    return this.bound.get(`${topic}/${partition}`) ?? `peppa.${this.name}.${topic}.${partition}`;
  }

  async bind(topic: string, partition: number, subject: string): Promise<void> {
    this.bound.set(`${topic}/${partition}`, subject);
    await this.ensurePartition(topic, partition);
  }

  private async ensurePartition(topic: string, p: number): Promise<void> {
    if (await this.hasPartition(topic, p)) return;
    await this.jsm.streams.add({
      name: this.streamName(topic, p),
      subjects: [this.subject(topic, p)],
      storage: StorageType.File,
      num_replicas: this.replicas,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
    this.known.add(this.streamName(topic, p));
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    for (let p = 0; p < partitions; p++) await this.ensurePartition(topic, p);
  }

  async hasPartition(topic: string, partition: number): Promise<boolean> {
    const name = this.streamName(topic, partition);
    if (this.known.has(name)) return true;
    try {
      await this.jsm.streams.info(name);
      this.known.add(name);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async append(topic: string, partition: number, messages: ReadonlyArray<OutgoingMessage>): Promise<{ duplicates: number }> {
    const subject = this.subject(topic, partition);
    // Sent back to back on one connection (the server keeps their order), acknowledged together.
    const acks = await Promise.all(messages.map((m) => this.js.publish(subject, m.data, { msgID: m.id, expect: { streamName: this.streamName(topic, partition) } })));
    return { duplicates: acks.filter((a) => a.duplicate).length };
  }

  async read(topic: string, partition: number, from: number, max: number): Promise<LogMessage[]> {
    const last = await this.end(topic, partition);
    if (from > last || max <= 0) return [];
    const want = Math.min(max, last - from + 1);
    const consumer = await this.js.consumers.get(this.streamName(topic, partition), { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    const out: LogMessage[] = [];
    try {
      while (out.length < want) {
        const batch = await consumer.fetch({ max_messages: want - out.length, expires: 2000 });
        let got = 0;
        for await (const m of batch) {
          out.push({ seq: m.seq, data: m.data });
          got++;
          if (out.length >= want) break;
        }
        if (got === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return out;
  }

  async end(topic: string, partition: number): Promise<number> {
    const info = await this.jsm.streams.info(this.streamName(topic, partition));
    return info.state.last_seq;
  }
}

class NatsStore implements KeyValue {
  constructor(private readonly kv: KV) {}
  async get(key: string): Promise<Entry | undefined> {
    const e = await this.kv.get(key);
    if (!e || e.operation !== "PUT") return undefined;
    return { value: e.value, revision: e.revision };
  }
  async create(key: string, value: Uint8Array): Promise<number | undefined> {
    try {
      return await this.kv.create(key, value);
    } catch (e) {
      if (isConflict(e)) return undefined;
      throw e;
    }
  }
  async update(key: string, value: Uint8Array, revision: number): Promise<number | undefined> {
    try {
      return await this.kv.update(key, value, revision);
    } catch (e) {
      if (isConflict(e)) return undefined;
      throw e;
    }
  }
  put(key: string, value: Uint8Array): Promise<number> {
    return this.kv.put(key, value);
  }
  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
  }
  async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys(`${prefix}>`)) out.push(k);
    return out.sort();
  }
}

class NatsTransport implements Transport {
  readonly log: PartitionedLog;
  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    jsm: JetStreamManager,
    private readonly options: NatsOptions,
  ) {
    this.log = new NatsLog(js, jsm, options.name, options.replicas ?? 1);
  }
  async store(create: boolean): Promise<KeyValue | undefined> {
    try {
      const kv = await this.js.views.kv(`peppa_${this.options.name}`, { history: 1, replicas: this.options.replicas ?? 1, bindOnly: !create });
      return new NatsStore(kv);
    } catch (e) {
      if (!create && isMissing(e)) return undefined;
      throw e;
    }
  }
  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}

/** Connects, or says why the server cannot be used. */
export async function connectNats(options: NatsOptions): Promise<Transport> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: options.url.split(","), timeout: 3000, maxReconnectAttempts: 10, reconnectTimeWait: 500 });
  } catch (e) {
    throw new TransportError(`cannot reach the NATS server at ${options.url}: ${natsReason(e)}`);
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: 3000 });
    return new NatsTransport(nc, nc.jetstream({ timeout: 10000 }), jsm, options);
  } catch (e) {
    await nc.close();
    throw new TransportError(`the NATS server at ${options.url} cannot be used: ${natsReason(e)}`);
  }
}
