// The file formats of sources, tables and sinks (`to jsonl "…"`): one list for
// the checker, the plan, the io readers and writers, and the CLI.

export const FORMATS = ["jsonl", "csv", "json"] as const;

export type Format = (typeof FORMATS)[number];

export const isFormat = (name: string): name is Format => (FORMATS as ReadonlyArray<string>).includes(name);
