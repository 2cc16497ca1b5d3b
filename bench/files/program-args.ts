// The command line of the hand-written and DuckDB programs: the same three
// options for both, so the bench starts them alike.
import path from "node:path";

export interface ProgramArgs {
  /** The folder holding core/, cpq/ and the tables. */
  readonly data: string;
  /** The outputs go to OUT/out/, as with `interpret --out OUT`. */
  readonly out: string;
  /** The run clock of every run. */
  readonly now: string;
}

export function parseArgs(argv: string[], program: string): ProgramArgs {
  const get = (option: string): string => {
    const i = argv.indexOf(option);
    const v = i >= 0 ? argv[i + 1] : undefined;
    if (v === undefined) {
      console.error(`usage: ${program} --data DIR --out DIR --now TIMESTAMP`);
      process.exit(2);
    }
    return v;
  };
  return { data: path.resolve(get("--data")), out: path.resolve(get("--out")), now: get("--now") };
}

