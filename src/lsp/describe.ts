// Text about a symbol, shared by hover and completion: a field's type, a
// step's ports with their schemas, a table's key and schema, a function's signature.
import type { CheckedStream, StepInfo } from "../check/checked.js";
import { portKey } from "../model/ports.js";
import type { FunctionDef } from "../values/functions/registry.js";
import { typeToString, type Schema, type Type } from "../values/types.js";

const KIND_WORD: Readonly<Record<string, string>> = {
  Source: "source", Validate: "validate", Map: "map", Enrich: "enrich", Dedup: "dedup", Merge: "merge",
  Route: "route", Aggregate: "aggregate", Audit: "audit", Sink: "sink",
};

export const fence = (text: string): string => "```stream\n" + text + "\n```";

/** One line per field, names padded: `  account_id  string`. */
export function schemaLines(schema: Schema, indent = "  "): string {
  if (!schema.length) return `${indent}(no fields)`;
  const width = Math.max(...schema.map((f) => f.name.length));
  return schema.map((f) => `${indent}${f.name.padEnd(width)}  ${typeToString(f.type)}${f.optional ? "?" : ""}`).join("\n");
}

/** A step's header and each output port's schema. */
export function describeStep(step: StepInfo): string {
  const inputs = step.inputs.map((i) => portKey(i.step, i.port)).join(", ");
  const head = `${KIND_WORD[step.decl.kind] ?? step.decl.kind.toLowerCase()} ${step.name}${inputs ? ` from ${inputs}` : ""}`;
  if (step.decl.kind === "Sink") {
    return `${fence(`${head} to ${step.decl.format.name} "${step.decl.path.value}"`)}\nreceives:\n${fence(step.inputs.map((i) => `${portKey(i.step, i.port)}\n${schemaLines(i.schema)}`).join("\n"))}`;
  }
  const ports = [...step.ports].map(([port, schema]) => `${portKey(step.name, port)}\n${schemaLines(schema)}`);
  return `${fence(head)}\noutput ports:\n${fence(ports.join("\n"))}`;
}

export function describePort(step: StepInfo, port: string): string | undefined {
  const schema = step.ports.get(port);
  return schema ? fence(`${portKey(step.name, port)}\n${schemaLines(schema)}`) : undefined;
}

export function describeTable(checked: CheckedStream, name: string): string | undefined {
  const t = checked.tables.get(name);
  if (!t) return undefined;
  return fence(`table ${name} from ${t.decl.origin.format.name} "${t.decl.origin.path.value}" key ${t.keys.join(", ")}\n${schemaLines(t.schema)}`);
}

const CONTEXT_NOTE = { aggregate: "only in `aggregate` fields", simulate: "only in `simulate` sources" } as const;

export function describeFunction(def: FunctionDef): string {
  return fence(def.signature) + (def.context ? `\n\n${CONTEXT_NOTE[def.context]}` : "");
}

export const describeValue = (what: string, name: string, type: Type | undefined): string =>
  fence(`(${what}) ${name}${type ? `: ${typeToString(type)}` : ""}`);
