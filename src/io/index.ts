// The io layer: the only place besides the CLI that touches the file system.
export * from "./item.js";
export { displayPath } from "./display-path.js";
export { readJsonl, parseJsonLine, resolvedItem } from "./read-jsonl.js";
export { readCsv, type CsvOptions } from "./read-csv.js";
export { parseJsonArray, readJsonStream } from "./read-json.js";
export { readItems, openFileItems, type ReadOptions } from "./read-items.js";
export { openFileSource, type FileSource, type FileSourceOptions, type FileBatch } from "./file-source.js";
export { SourcePositionCodec, START, type SourcePosition } from "./source-position.js";
export { readTable, type TableOptions } from "./read-table.js";
export { jsonText, parseJsonText } from "./json-text.js";
export { writeJsonl } from "./write-jsonl.js";
export type { JsonRecord } from "../model/json-record.js";
export { addToJsonArray, jsonArrayEnd, writeJson, type JsonArrayEnd } from "./write-json.js";
export { writeCsv, type CsvWriteOptions } from "./write-csv.js";
export { commitFiles, recoverCommit, truncateOutputs, type CommitFile, type CommitOptions, type FileText, type Recovery, type RecoveryGuard } from "./commit.js";
export { readStateFile, decodeStateFile, encodeStateFile, payloadChecksum, STATE_FORMAT, STATE_FILE_VERSION } from "./state-file.js";
export { commitAppends, type AppendCommitOptions } from "./commit.js";
export { StateStore, StoreDamaged, isStoreFile, STORE_FORMAT, STORE_VERSION, type Chunk, type StepDescription } from "./state-store.js";
