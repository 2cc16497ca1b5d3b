// The io layer: the only place besides the CLI that touches the file system.
export * from "./item.js";
export { displayPath } from "./display-path.js";
export { readJsonl } from "./read-jsonl.js";
export { readCsv, type CsvOptions } from "./read-csv.js";
export { parseJsonArray, readJsonStream } from "./read-json.js";
export { readItems, openFileItems, type ReadOptions } from "./read-items.js";
export { openFileSource, type FileSource, type FileSourceOptions, type SourceBatch } from "./file-source.js";
export { SourcePositionCodec, START, type SourcePosition } from "./source-position.js";
export { readTable, type TableOptions } from "./read-table.js";
export { writeJsonl, type JsonRecord } from "./write-jsonl.js";
export { writeJson } from "./write-json.js";
export { writeCsv, type CsvWriteOptions } from "./write-csv.js";
export { commitFiles, recoverCommit, truncateOutputs, type CommitFile, type CommitOptions, type Recovery, type RecoveryGuard } from "./commit.js";
export { readStateFile, decodeStateFile, encodeStateFile, payloadChecksum, STATE_FORMAT, STATE_VERSION } from "./state-file.js";
