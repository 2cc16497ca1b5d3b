// Hover: what the name under the cursor is, with its type or schema.
import type { Hover } from "vscode-languageserver";
import { MAIN } from "../model/ports.js";
import { occurrenceAt, type Analysis, type FileIndex, type Occurrence } from "./analysis.js";
import { describeFunction, describePort, describeStep, describeTable, describeValue, fence } from "./describe.js";
import { documentOf, rangeOf } from "./positions.js";

export function hover(analysis: Analysis, file: FileIndex, offset: number): Hover | null {
  const o = occurrenceAt(file, offset);
  if (!o) return null;
  const text = describe(analysis, o);
  if (!text) return null;
  return { contents: { kind: "markdown", value: text }, range: rangeOf(documentOf(file.uri, file.text), o.span) };
}

function describe(analysis: Analysis, o: Occurrence): string | undefined {
  const checked = analysis.checked;
  switch (o.role) {
    case "field":
      return describeValue("field", o.name, o.type) + (o.step ? `\n\nin \`${o.step}\`` : "");
    case "local":
      return describeValue("local", o.name, o.type);
    case "param":
    case "const":
      return describeValue(o.role, o.name, o.type);
    case "tableField": {
      const table = o.symbol?.slice("tableField:".length).split(".")[0];
      return describeValue("column", table ? `${table}.${o.name}` : o.name, o.type);
    }
    case "step": {
      const step = checked?.steps.find((s) => s.name === o.name);
      return step ? describeStep(step) : undefined;
    }
    case "port": {
      const [stepName, port] = (o.symbol ?? "").slice("port:".length).split(".");
      const step = checked?.steps.find((s) => s.name === stepName);
      return step ? describePort(step, port ?? MAIN) : undefined;
    }
    case "table":
      return checked ? describeTable(checked, o.name) : undefined;
    case "function": {
      const def = checked?.functions.get(o.name);
      return def ? describeFunction(def) : undefined;
    }
    case "builtinOutput":
      return fence(o.name === "rejects" ? "rejects: {step, port, run, errors, record}" : "audit: {stream, run, step, time, …fields}") + "\n\nbuilt-in output";
    default:
      return undefined;
  }
}
