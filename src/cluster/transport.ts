// What cluster mode needs from a distributed log, and nothing more: a
// partitioned, replicated log whose appends carry ids the server deduplicates,
// and a key-value store with compare-and-set on a key's revision. NATS
// JetStream implements it (nats.ts); a Kafka implementation would map topics to
// topics, ids to idempotent producers and the store to a compacted topic.

/** A message as read back: its place in its partition (1-based, no gaps) and its bytes. */
export interface LogMessage {
  readonly seq: number;
  readonly data: Uint8Array;
}

/** A message to append: `id` is unique in the topic; appending an id again adds nothing. */
export interface OutgoingMessage {
  readonly id: string;
  readonly data: Uint8Array;
}

export interface PartitionedLog {
  /** Creates the topic's partitions if missing (idempotent). */
  ensureTopic(topic: string, partitions: number): Promise<void>;
  /** Whether the topic's partition exists. */
  hasPartition(topic: string, partition: number): Promise<boolean>;
  /** Appends in order; resolves once every message is stored. Counts the ids the server already had. */
  append(topic: string, partition: number, messages: ReadonlyArray<OutgoingMessage>): Promise<{ readonly duplicates: number }>;
  /**
   * Up to `max` messages from sequence `from` on (fewer at the end), in order. `last`,
   * when the caller knows it, is a sequence known to exist (it read the end before),
   * which spares asking the server for the end again.
   */
  read(topic: string, partition: number, from: number, max: number, last?: number): Promise<LogMessage[]>;
  /** The last sequence of the partition (0 when empty). */
  end(topic: string, partition: number): Promise<number>;
  /** The name of the partition as the server shows it (for rejects: subject and sequence). */
  subject(topic: string, partition: number): string;
  /**
   * Makes an outside name (a subject producers publish to, or consumers downstream
   * read) a partition of `topic`: created if missing, read and appended like any other.
   */
  bind(topic: string, partition: number, subject: string): Promise<void>;
}

export interface Entry {
  readonly value: Uint8Array;
  readonly revision: number;
}

/** A key-value store where every write of a key may name the revision it replaces. */
export interface KeyValue {
  get(key: string): Promise<Entry | undefined>;
  /** Writes a new key; undefined when it exists already. */
  create(key: string, value: Uint8Array): Promise<number | undefined>;
  /** Replaces the key if its revision is still `revision`; undefined when another write came first. */
  update(key: string, value: Uint8Array, revision: number): Promise<number | undefined>;
  put(key: string, value: Uint8Array): Promise<number>;
  delete(key: string): Promise<void>;
  /** The keys that start with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

export interface Transport {
  readonly log: PartitionedLog;
  /** Opens the store, creating it when `create` is set; undefined when it does not exist. */
  store(create: boolean): Promise<KeyValue | undefined>;
  close(): Promise<void>;
}

/** A transport failure the commands report in words (the server went away, a limit was hit). */
export class TransportError extends Error {}
