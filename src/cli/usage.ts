// The help text of `interpret`.
export const HELP = `interpret: run and inspect peppa-stream streams

usage:
  interpret FILE.stream [options]        run a stream (same as \`interpret run\`)
  interpret run FILE.stream [options]
  interpret check FILE.stream…           diagnostics only
  interpret fmt FILE.stream… [--write | --check]
                                         canonical formatting (prints, rewrites, or lists files that differ)
  interpret plan FILE.stream [--json]    the execution plan with each edge's schema
  interpret graph FILE.stream [options]  a picture of the stream (see interpret graph --help)
  interpret test FILE.stream… [--filter TEXT] [--json]
                                         run the stream's tests
  interpret lsp [--stdio]                the language server for editors, on standard input and output
  interpret help | --help | --version

run options:
  --out DIR             write outputs under DIR instead of the stream's folder
  --state FILE          keep open sessions, dedup keys and file positions in FILE across invocations
  --now TIMESTAMP       the run clock (ISO-8601), e.g. 2026-11-20T12:00:00Z; default: the wall clock
  --runs N              make N runs (default: \`trigger count\`, else until the file sources are read)
  --param NAME=VALUE    set a param (repeatable)
  --input SOURCE=PATH   feed a source declared without \`from\` from a file, or - for standard input (repeatable)
  --json                print the report as one JSON object

exit codes: 0 done, 1 the stream has errors, 2 bad usage or unreadable input, 3 a run failed
docs: docs/cli.md, docs/language.md
`;
