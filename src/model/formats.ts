// The file formats of sources, tables and sinks (`to jsonl "…"`): one list for
// the checker, the plan, the io readers and writers, and the CLI.

export const FORMATS = ["jsonl", "csv", "json"] as const;

export type Format = (typeof FORMATS)[number];

export const isFormat = (name: string): name is Format => (FORMATS as ReadonlyArray<string>).includes(name);

/**
 * `from nats "SUBJECT"` and `to nats "SUBJECT"`: a source whose producers publish
 * JSON records to a NATS subject, a sink that publishes to one. Only cluster mode
 * runs them (docs/cluster.md); they are not file formats.
 */
export const NATS_FORMAT = "nats";
