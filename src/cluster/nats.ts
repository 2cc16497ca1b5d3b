// The transport on NATS JetStream (the `nats` 2.x client). Each partition of a
// topic is its own JetStream stream, so its sequence is the partition's offset
// (1-based, no gaps, as the log interface promises) and a stream's
// duplicate window drops an id appended twice. The store is a KV bucket, whose
// `update(key, value, revision)` is the compare-and-set the fencing needs.
import { connect, createInbox, DeliverPolicy, headers, nanos, StorageType, type JetStreamClient, type JetStreamManager, type KV, type Msg, type NatsConnection, type Subscription } from "nats";
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

/** How long a batch of appends may wait for its acknowledgements (the JetStream request timeout). */
const ACK_TIMEOUT_MS = 10_000;

/** A JetStream publish acknowledgement, as the server sends it to the reply subject. */
interface PubAck {
  readonly stream?: string;
  readonly seq?: number;
  readonly duplicate?: boolean;
  readonly error?: { readonly code?: number; readonly description?: string };
}

/**
 * Appends in bulk: every message of a batch is published at once with its own reply
 * subject under one inbox the connection subscribes to, and the batch waits for all
 * acknowledgements under one timer. This is what `js.publish` does per message (a
 * JetStream publish is a request whose reply is the ack), without a request object,
 * a timer and a promise per message, which cost more than the messages themselves.
 * Every message is still acknowledged by the server before `append` resolves, so a
 * commit still follows the storage of every output.
 */
class BulkPublisher {
  private sub: Subscription | undefined;
  private readonly inbox = createInbox();
  private next = 0;
  private readonly waiting = new Map<number, (m: Msg) => void>();
  constructor(private readonly nc: NatsConnection) {}

  private listen(): void {
    if (this.sub) return;
    this.sub = this.nc.subscribe(`${this.inbox}.*`, {
      callback: (err, m) => {
        // An error here is the subscription ending (the connection closes); the batch's timer reports it.
        if (err || !m) return;
        const token = Number(m.subject.slice(this.inbox.length + 1));
        const done = this.waiting.get(token);
        if (done) {
          this.waiting.delete(token);
          done(m);
        }
      },
    });
  }

  async publish(subject: string, stream: string, messages: ReadonlyArray<OutgoingMessage>): Promise<{ duplicates: number }> {
    if (messages.length === 0) return { duplicates: 0 };
    this.listen();
    const tokens: number[] = [];
    let duplicates = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        let left = messages.length;
        const timer = setTimeout(() => reject(Object.assign(new Error(`TIMEOUT: ${left} of ${messages.length} appends to ${subject} were not acknowledged in time`), { code: "TIMEOUT" })), ACK_TIMEOUT_MS);
        const fail = (e: Error) => {
          clearTimeout(timer);
          reject(e);
        };
        for (const m of messages) {
          const token = this.next++;
          tokens.push(token);
          this.waiting.set(token, (reply) => {
            if (reply.headers?.hasError) return fail(Object.assign(new Error(`${reply.headers.code === 503 ? "no responders" : reply.headers.description} (append to ${subject})`), { code: String(reply.headers.code) }));
            let ack: PubAck;
            try {
              ack = reply.json<PubAck>();
            } catch {
              return fail(new Error(`an unreadable acknowledgement for an append to ${subject}`));
            }
            if (ack.error || !ack.stream) return fail(new Error(`the append to ${subject} was refused: ${ack.error?.description ?? "no stream in the acknowledgement"}`));
            if (ack.duplicate) duplicates++;
            if (--left === 0) {
              clearTimeout(timer);
              resolve();
            }
          });
          const h = headers();
          h.set("Nats-Msg-Id", m.id);
          h.set("Nats-Expected-Stream", stream);
          this.nc.publish(subject, m.data, { reply: `${this.inbox}.${token}`, headers: h });
        }
      });
    } finally {
      for (const t of tokens) this.waiting.delete(t);
    }
    return { duplicates };
  }
}

class NatsLog implements PartitionedLog {
  private readonly known = new Set<string>();
  private readonly publisher: BulkPublisher;
  /** Partitions bound to an outside subject (`from nats`, `to nats`): topic/partition -> subject. */
  private readonly bound = new Map<string, string>();
  constructor(
    nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly name: string,
    private readonly replicas: number,
  ) {
    this.publisher = new BulkPublisher(nc);
  }

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
    // Sent back to back on one connection (the server keeps their order), acknowledged together.
    return this.publisher.publish(this.subject(topic, partition), this.streamName(topic, partition), messages);
  }

  async read(topic: string, partition: number, from: number, max: number, known?: number): Promise<LogMessage[]> {
    const last = known ?? (await this.end(topic, partition));
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
    this.log = new NatsLog(nc, js, jsm, options.name, options.replicas ?? 1);
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
    // noAsyncTraces: the client otherwise captures a stack trace for every request, to
    // decorate errors; with thousands of appends per micro-batch that was a fifth of a worker's CPU.
    nc = await connect({ servers: options.url.split(","), timeout: 3000, maxReconnectAttempts: 10, reconnectTimeWait: 500, noAsyncTraces: true });
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
