// Parser error messages in plain words ("expected `from`, found `{`") instead of
// chevrotain's dump of token names.
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "./chevrotain.js";
import { Assign, describeTokenType, Each, Flush, From, Name, StringLiteral, To } from "./tokens.js";

/** What each rule stands for when none of its alternatives fits. */
const ruleDescriptions: Readonly<Record<string, string>> = {
  declaration: "a declaration",
  sourceDecl: "`from`, `simulate` or `{` after the source name",
  statement: "a field assignment `NAME = EXPR`",
  flushTrigger: "a flush trigger (`each run`, `after DURATION idle`, `at EXPR` or `when EXPR`)",
  testStatement: "`now`, `given`, `expect` or `run`",
  comparisonOperator: "a comparison operator",
  routeDecl: "`when EXPR -> PORT` or `else -> PORT`",
  schemaField: "a field name",
  typeRef: "a type",
};

/** A list that needs at least one item, named by the rule and the token before it. */
const earlyExitDescriptions: Readonly<Record<string, (previous: IToken) => string>> = {
  tableDecl: () => "a key field name",
  forEach: () => "the loop variable name",
  aggregateDecl: (previous) => (previous.tokenType === Flush ? ruleDescriptions["flushTrigger"]! : "a key field or `NAME = EXPR`"),
  mergeDecl: () => "an input name",
  sinkDecl: () => "an input name",
  schemaField: () => "a field name",
  typeRef: () => "a type",
};

export function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  const image = token.image.length > 24 ? `${token.image.slice(0, 21)}...` : token.image;
  return `\`${image}\``;
}

const formats = "(`jsonl`, `csv` or `json`)";

/** Names the expected token by its role where the grammar makes it plain. */
function describeExpected(expected: TokenType, previous: IToken, ruleName: string): string {
  if (expected === StringLiteral && ruleName === "rule") return "the message string after `else`";
  if (expected === StringLiteral && (ruleName === "fileOrigin" || ruleName === "sinkDecl")) return "the file path as a string";
  if (expected === StringLiteral && ruleName === "testDecl") return "the test title as a string";
  if (expected === Name && previous.tokenType === To) return `the sink format ${formats}`;
  if (expected === Name && previous.tokenType === From && ruleName === "fileOrigin") return `the file format ${formats}`;
  if (expected === Name && previous.tokenType === Each) return "the loop variable name";
  if (expected === Assign) return "`=`";
  if (expected === Name && ruleName === "typeRef") return "a type";
  return describeTokenType(expected);
}

function describeRule(ruleName: string): string {
  return ruleDescriptions[ruleName] ?? "an expression";
}

export const parserMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }) {
    return `expected ${describeExpected(expected, previous, ruleName)}, found ${describeFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }: { firstRedundant: IToken }) {
    return `unexpected ${describeFound(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }: { actual: IToken[]; ruleName: string }) {
    return `expected ${describeRule(ruleName)}, found ${describeFound(actual[0]!)}`;
  },
  buildEarlyExitMessage({ actual, previous, ruleName }: { actual: IToken[]; previous: IToken; ruleName: string }) {
    const what = earlyExitDescriptions[ruleName]?.(previous) ?? describeRule(ruleName);
    return `expected ${what}, found ${describeFound(actual[0]!)}`;
  },
};
