// The editor (TextMate) grammar, generated from the keyword lists of tokens.ts
// by `npm run grammar`. Keywords are soft in the language: `at`, `count`, `key`,
// `source`, `table` … are field names except where the parser reads them as
// keywords. A TextMate grammar sees one line at a time, so each soft keyword is
// scoped as a keyword only in the places of the grammar (grammar/parser.ts) that
// read it: a declaration's header (a region from the declaration keyword to its
// `{` or the end of the line, with that declaration's clause words), the start
// of a statement in a block, a test's statements, and `flush` triggers. Braces
// are regions, so a schema line `source string` inside them is never a declaration.
import type { TokenType } from "chevrotain";
import { declKeywords, hardKeywords, softKeywords } from "./tokens.js";

const word = (t: TokenType): string => t.PATTERN as string;
const NAME = "(?:`[^`]*`|[A-Za-z_][A-Za-z0-9_]*)";
/** Not a keyword when it is assigned, called, read as a record field or a member, or listed. */
const NOT_A_NAME = "(?!\\s*(?:=(?!=)|:|\\(|\\)|,|\\.|\\]))";
const CLAUSE = "keyword.other.clause.stream";
/** The type names of schemas. */
const TYPE_NAMES = "(?:string|int|number|decimal|bool|timestamp|duration|list|map)";
/** A type in a schema line: then `?`, `<…>`, a default, the next field, or the block's end. */
const SCHEMA_TYPE = `${TYPE_NAMES}(?:\\?|<|\\s*=(?!=)|\\s+${"(?:`[^`]*`|[A-Za-z_][A-Za-z0-9_]*)"}|\\s*\\}|\\s*$)`;
const DECL = "keyword.declaration.stream";

/** The clause words of each declaration's header, as grammar/parser.ts reads them. */
const HEADERS: Readonly<Record<string, ReadonlyArray<string>>> = {
  source: ["from", "batch", "delimiter", "simulate", "per", "run", "seed"],
  table: ["from", "key"],
  validate: ["from"],
  map: ["from", "for", "each"],
  enrich: ["from"],
  audit: ["from"],
  dedup: ["from", "by", "within"],
  merge: ["from"],
  route: ["from"],
  aggregate: ["from", "by"],
  sink: ["from", "to"],
};
/** `flush` triggers of an aggregate: `each run`, `after D idle`, `at EXPR`, `when EXPR`. */
const FLUSH = ["each", "run", "after", "idle", "at", "when"];
/** `event time EXPR [lateness D]` of an aggregate. */
const EVENT_TIME = ["event", "time", "lateness"];
/** Words that start a statement in a block (`require`, `let`) or a route branch (`when`). */
const STATEMENTS = ["require", "let", "when"];
/** Statements of a test: `now "…"`, `given X […]`, `expect X … [count N]`, `run { … }`. */
const TESTS = ["now", "given", "expect", "count", "run"];

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  captures?: Record<string, { name: string }>;
  beginCaptures?: Record<string, { name: string }>;
  endCaptures?: Record<string, { name: string }>;
  patterns?: Rule[];
  include?: string;
}

const alt = (words: ReadonlyArray<string>): string => words.join("|");
const includes = (...names: string[]): Rule[] => names.map((n) => ({ include: `#${n}` }));

/** Every soft keyword must be placed somewhere, or it would never be coloured. */
function checkPlaced(): void {
  const placed = new Set([...Object.values(HEADERS).flat(), ...FLUSH, ...EVENT_TIME, ...STATEMENTS, ...TESTS, "count", "flush"]);
  const missing = softKeywords.map(word).filter((w) => !placed.has(w));
  if (missing.length) throw new Error(`soft keywords with no place in the TextMate grammar: ${missing.join(", ")}`);
}

/** An aggregate's `event time EXPR [lateness D]` and `flush …` clauses, in its header or on the lines after it. */
function aggregateClauses(): Rule[] {
  return [
    { match: `\\b(event)\\s+(time)\\b${NOT_A_NAME}`, captures: { "1": { name: CLAUSE }, "2": { name: CLAUSE } } },
    // Not a key named `lateness` (`by lateness`, `, lateness`).
    { name: CLAUSE, match: `(?<![.\\w]|\\bby\\s|,\\s|,)lateness\\b(?=\\s+[0-9A-Za-z_\`])${NOT_A_NAME}` },
    {
      // Not a key named `flush` (`by flush`, `, flush`, `flush = …`).
      begin: "(?<!(?<!\\bby\\s)\\bby\\s|,\\s|,)\\b(flush)\\b(?!\\s*(?:=(?!=)|,|\\{|$))",
      beginCaptures: { "1": { name: CLAUSE } },
      end: "(?=\\{)|$",
      patterns: [
        { name: CLAUSE, match: `(?<=\\bflush\\s|,\\s|,)(${alt(["each", "after", "at", "when"])})\\b${NOT_A_NAME}` },
        { name: CLAUSE, match: "(?<=\\beach\\s)run\\b" },
        { name: CLAUSE, match: "\\bidle\\b(?=\\s*(?:,|\\{|#|$))" },
        ...includes("expression"),
      ],
    },
  ];
}

function header(kind: string, words: ReadonlyArray<string>): Rule {
  const patterns: Rule[] = [
    { match: `^\\s*(${kind})\\s+(${NAME})`, captures: { "1": { name: DECL }, "2": { name: "entity.name.function.stream" } } },
    ...includes("comment", "string", "quoted", "number"),
  ];
  if (kind === "aggregate") patterns.push(...aggregateClauses());
  if (kind === "map") patterns.push({ match: "\\b(for)\\s+(each)\\b", captures: { "1": { name: CLAUSE }, "2": { name: CLAUSE } } });
  if (kind === "source") patterns.push({ name: CLAUSE, match: "(?<=\\bper\\s)run\\b" });
  const plain = words.filter((w) => !(kind === "map" && (w === "for" || w === "each")) && !(kind === "source" && w === "run"));
  // Not a name in a list or after a clause that takes a name (`by from`, `from by`, `, key`).
  patterns.push({ name: CLAUSE, match: `(?<![.\\w]|\\bby\\s|\\bfrom\\s|\\bkey\\s|\\bto\\s|,\\s|,)(${alt(plain)})\\b${NOT_A_NAME}` });
  patterns.push(...includes("expression"));
  return { begin: `^(?=\\s*${kind}\\s+${NAME})`, end: "(?=\\{)|$", patterns };
}

export function renderTextMate(): string {
  checkPlaced();
  const decls = declKeywords.map(word);
  const repository: Record<string, Rule> = {
    comment: { name: "comment.line.number-sign.stream", match: "#.*$" },
    string: {
      name: "string.quoted.double.stream",
      begin: '"',
      end: '"|$',
      patterns: [
        { name: "constant.character.escape.stream", match: '\\\\(["\\\\nt]|u\\{[0-9A-Fa-f]{1,6}\\})' },
        { name: "invalid.illegal.escape.stream", match: "\\\\." },
      ],
    },
    quoted: { name: "variable.other.quoted.stream", match: "`[^`\\n]*`" },
    number: {
      patterns: [
        { name: "constant.numeric.duration.stream", match: "\\b[0-9][0-9_]*(ms|s|m|h|d)\\b" },
        { name: "constant.numeric.decimal.stream", match: "\\b[0-9][0-9_]*\\.[0-9][0-9_]*\\b" },
        { name: "constant.numeric.integer.stream", match: "\\b[0-9][0-9_]*\\b" },
      ],
    },
    headers: { patterns: Object.entries(HEADERS).map(([kind, words]) => header(kind, words)) },
    // An aggregate's header continued on the next lines: a line outside braces that starts with `event time` or `flush`.
    continuation: { begin: `^(?=\\s*(?:event\\s+time|flush)\\b${NOT_A_NAME})`, end: "(?=\\{)|$", patterns: [...aggregateClauses(), ...includes("comment", "string", "quoted", "number", "expression")] },
    declaration: {
      patterns: [
        { match: `^\\s*(stream|param|const)\\s+(${NAME})`, captures: { "1": { name: DECL }, "2": { name: "entity.name.type.stream" } } },
        { match: "^\\s*(trigger)\\s+(count)\\b", captures: { "1": { name: DECL }, "2": { name: CLAUSE } } },
        // A declaration keyword at the start of a line, before a name or a test's title.
        { name: DECL, match: `^\\s*\\b(${alt(decls)})\\b(?=\\s+[A-Za-z_\`"])` },
      ],
    },
    statement: {
      patterns: [
        // `let X = …`; `require …` and `when …` unless a schema names a field so (`require string`).
        { match: `(?:^|(?<=[{;,]))\\s*(let)\\s+(?=${NAME}\\s*=(?!=))`, captures: { "1": { name: CLAUSE } } },
        { match: `(?:^|(?<=[{;,]))\\s*(${alt(STATEMENTS.filter((w) => w !== "let"))})\\b${NOT_A_NAME}(?!\\s+${SCHEMA_TYPE})`, captures: { "1": { name: CLAUSE } } },
        // A drill-down: `count() by funnel`.
        { match: "(?<=\\))\\s*(by)\\b(?=\\s+[A-Za-z_`(])", captures: { "1": { name: CLAUSE } } },
      ],
    },
    test: {
      patterns: [
        // Test statements follow one another on a line too (`given … [ … ] expect …`): each is told by what follows its word.
        { match: '(?<![.\\w`])(now)\\b(?=\\s*")', captures: { "1": { name: CLAUSE } } },
        { match: `(?<![.\\w\`])(given|expect)\\s+(?!${SCHEMA_TYPE})(${NAME}(?:\\.${NAME})?)(?:\\s+(count)\\b)?`, captures: { "1": { name: CLAUSE }, "2": { name: "entity.name.function.stream" }, "3": { name: CLAUSE } } },
        { match: "(?<![.\\w`])(run)\\b(?=\\s*\\{)", captures: { "1": { name: CLAUSE } } },
      ],
    },
    // Inside braces: statements, fields, test statements, and nested record literals; never a declaration.
    block: {
      begin: "\\{",
      end: "\\}",
      beginCaptures: { "0": { name: "punctuation.section.block.begin.stream" } },
      endCaptures: { "0": { name: "punctuation.section.block.end.stream" } },
      patterns: includes("comment", "string", "quoted", "number", "test", "statement", "block", "expression"),
    },
    "operator-word": { name: "keyword.operator.word.stream", match: `\\b(${alt(hardKeywords.map(word).filter((w) => !["true", "false", "null"].includes(w)))})\\b` },
    constant: { name: "constant.language.stream", match: "\\b(true|false|null)\\b" },
    type: { name: "storage.type.stream", match: "\\b(string|int|number|decimal|bool|timestamp|duration|list|map)\\b(?=\\s*(?:<|>|\\?|=(?!=)|,|\\}|$|\\s+[A-Za-z_`#]))" },
    call: { match: `\\b(${NAME})(?=\\s*\\()`, captures: { "1": { name: "entity.name.function.call.stream" } } },
    property: {
      patterns: [
        // `.field`, `STEP.PORT`
        { match: `(?<=\\.)\\s*(${NAME})`, captures: { "1": { name: "variable.other.property.stream" } } },
        // An assignment's target, or a record literal's field.
        { match: `(${NAME})(?=\\s*(?:=(?!=)|:(?!:)))`, captures: { "1": { name: "variable.other.property.stream" } } },
      ],
    },
    name: { match: `(${NAME})`, captures: { "1": { name: "variable.other.stream" } } },
    operator: { name: "keyword.operator.stream", match: "->|\\?\\?|==|!=|<=|>=|[<>=+\\-*/%]" },
    expression: { patterns: includes("comment", "string", "quoted", "number", "operator-word", "constant", "call", "type", "property", "name", "operator") },
  };
  const grammar = {
    name: "Stream",
    scopeName: "source.stream",
    fileTypes: ["stream"],
    patterns: includes("comment", "string", "quoted", "number", "headers", "continuation", "declaration", "block", "expression"),
    repository,
  };
  return `${JSON.stringify(grammar, null, 2)}\n`;
}
