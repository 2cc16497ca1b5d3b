// sink: delivers its records, JSON-ready (toJson), in arrival order, or with an
// encoder from the host their text. Writing them is the edge's business (the
// CLI, a host).
import type { JsonRecord } from "../../model/json-record.js";
import type { SinkStep } from "../../plan/plan.js";
import { toJson } from "../../values/json.js";
import { own } from "../../model/dict.js";
import type { OpenOperator, SinkText } from "./types.js";

/** The chunks as they are; `text` joins them only when a host asks for it. */
function sinkText(chunks: ReadonlyArray<string>, records: number): SinkText {
  return {
    chunks,
    records,
    get text() {
      return chunks.join("");
    },
  };
}

export const openSink: OpenOperator<SinkStep> = (step, _saved, ctx) => {
  const encoder = ctx.encode !== undefined ? own(ctx.encode, step.name) : undefined;
  if (encoder) {
    // Text rather than records: a record object per output record, kept until the run ends, outweighs its line.
    const texts: string[] = [];
    let count = 0;
    return {
      take(_input, records) {
        const json: JsonRecord[] = new Array(records.length);
        for (let i = 0; i < records.length; i++) json[i] = toJson(records[i]!) as JsonRecord;
        texts.push(encoder(json));
        count += records.length;
        return undefined;
      },
      finish: () => undefined,
      close: () => ({ text: sinkText(texts, count), balance: { delivered: count } }),
    };
  }
  const output: JsonRecord[] = [];
  return {
    take(_input, records) {
      for (const r of records) output.push(toJson(r) as JsonRecord);
      return undefined;
    },
    finish: () => undefined,
    close: () => ({ output, balance: { delivered: output.length } }),
  };
};
