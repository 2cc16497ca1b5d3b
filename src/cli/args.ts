// One argument parser for every subcommand: node:util parseArgs reads the
// tokens, a table of options per command (commands.ts) says what each means,
// and the same table gives the command's `--help` text, so the two cannot drift.
import { parseArgs } from "node:util";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { EXIT, type CliIO } from "./cli-io.js";

export interface OptionSpec {
  /** The long name, without `--`. */
  readonly name: string;
  /** A one-letter alias, without `-`. */
  readonly short?: string;
  /** The value's placeholder (`DIR`, `NAME=VALUE`); without one, a flag. */
  readonly value?: string;
  /** May be given more than once; every value is kept in order. */
  readonly multiple?: boolean;
  readonly help: string;
}

export interface CommandSpec {
  /** As typed after `interpret` (`run`); `usageName` when the usage line shows it otherwise (`[run]`). */
  readonly name: string;
  readonly usageName?: string;
  /** The positional part of the usage line: `FILE.stream…`. */
  readonly args: string;
  readonly summary: string;
  readonly options: ReadonlyArray<OptionSpec>;
  /** Paragraphs after the options in `--help`. */
  readonly more?: string;
}

/** The parsed command line: each option's value(s) by long name, and the positionals. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | ReadonlyArray<string> | undefined>>;
  readonly positionals: ReadonlyArray<string>;
  /** `--help` or `-h` was given: the caller prints `helpText` and exits 0. */
  readonly help: boolean;
}

const HELP_OPTION: OptionSpec = { name: "help", short: "h", help: "show this help" };

const allOptions = (spec: CommandSpec): ReadonlyArray<OptionSpec> => [...spec.options, HELP_OPTION];

const flagOf = (o: OptionSpec): string => `--${o.name}${o.value ? ` ${o.value}` : ""}`;

/** `usage: interpret check FILE.stream… [--json]` */
export function usageLine(spec: CommandSpec): string {
  const parts = spec.options.map((o) => `[${flagOf(o)}]${o.multiple ? "…" : ""}`);
  const head = `usage: interpret ${[spec.usageName ?? spec.name, spec.args].filter((x) => x).join(" ")}`;
  // Wrapped under the command, as a terminal of 100 columns shows it.
  const lines: string[] = [head];
  for (const p of parts) {
    const last = lines[lines.length - 1]!;
    if (last.length + 1 + p.length > 100) lines.push(" ".repeat(`usage: interpret ${spec.usageName ?? spec.name} `.length) + p);
    else lines[lines.length - 1] = `${last} ${p}`;
  }
  return lines.join("\n");
}

/** The full `--help` text of a command. */
export function helpText(spec: CommandSpec): string {
  const rows = allOptions(spec).map((o) => [`${o.short ? `-${o.short}, ` : "    "}${flagOf(o)}`, o.help + (o.multiple ? " (repeatable)" : "")] as const);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const options = rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`).join("\n");
  return `${usageLine(spec)}\n\n${spec.summary}\n\noptions:\n${options}\n${spec.more ? `\n${spec.more}\n` : ""}`;
}

/** Reads argv against the command's table; Left is the message of a usage error. */
export function parseCommand(spec: CommandSpec, argv: ReadonlyArray<string>): Either<string, Parsed> {
  const specs = allOptions(spec);
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const o of specs) config[o.name] = { type: o.value ? "string" : "boolean", ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  // Non-strict, so that every unknown or misused option gets our message rather than parseArgs' exception.
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const byName = new Map(specs.map((o) => [o.name, o]));
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    const o = byName.get(token.name);
    if (!o || (token.rawName.startsWith("--") ? token.rawName !== `--${o.name}` : token.rawName !== `-${o.short}`)) {
      const names = specs.flatMap((s) => [`--${s.name}`, ...(s.short ? [`-${s.short}`] : [])]);
      const hint = didYouMean(token.rawName, names);
      return left(`unknown option \`${token.rawName}\`${hint ? ` (${hint})` : ""}`);
    }
    if (o === HELP_OPTION) {
      help = true;
      continue;
    }
    if (!o.value) {
      if (token.value !== undefined) return left(`${token.rawName} takes no value, got \`${token.rawName}=${token.value}\``);
      values[o.name] = true;
      continue;
    }
    if (token.value === undefined) return left(`${token.rawName} needs a value: ${flagOf(o)}`);
    if (o.multiple) ((values[o.name] ??= []) as string[]).push(token.value);
    else values[o.name] = token.value;
  }
  return right({ values, positionals, help });
}

/** A string option's value (the last one given). */
export const stringOption = (p: Parsed, name: string): string | undefined => {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
};

/** A repeatable option's values. */
export const listOption = (p: Parsed, name: string): ReadonlyArray<string> => {
  const v = p.values[name];
  return Array.isArray(v) ? v : [];
};

export const flagOption = (p: Parsed, name: string): boolean => p.values[name] === true;

/** The line of a usage error: `interpret: MESSAGE`, then the command's usage. */
export const usageError = (spec: CommandSpec, message: string): string => `interpret: ${message}\n${usageLine(spec)}\n(see interpret ${spec.name} --help)\n`;

/**
 * Parses a command's argv and runs `body` with it; `--help` prints the
 * command's help (exit 0), a usage error its message and usage line (exit 2).
 */
export async function withCommand(spec: CommandSpec, argv: ReadonlyArray<string>, io: CliIO, body: (parsed: Parsed) => Promise<number>): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (isLeft(parsed)) {
    io.stderr(usageError(spec, parsed.left));
    return EXIT.usage;
  }
  if (parsed.right.help) {
    io.stdout(helpText(spec));
    return EXIT.ok;
  }
  return body(parsed.right);
}
