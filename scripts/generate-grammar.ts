// `npm run grammar`: regenerates the grammar's derived artefacts from the parser:
// the CST typings (grammar/cst.d.ts), railroad diagrams (grammar/diagrams.html)
// and the TextMate grammar (grammar/stream.tmLanguage.json, from the keywords of
// grammar/tokens.ts; the VS Code extension ships a copy). Specs fail when a
// committed artefact is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCstTypings, renderDiagrams } from "../grammar/artefacts.js";
import { renderTextMate } from "../grammar/textmate.js";

const root = new URL("..", import.meta.url);
const write = (path: string, text: string) => {
  writeFileSync(fileURLToPath(new URL(path, root)), text);
  console.log(`wrote ${path}`);
};
write("grammar/cst.d.ts", renderCstTypings());
write("grammar/diagrams.html", renderDiagrams());
// TextMate: the grammar, and the copy the VS Code extension packages (vsce takes only files under its folder).
write("grammar/stream.tmLanguage.json", renderTextMate());
write("editors/vscode/syntaxes/stream.tmLanguage.json", renderTextMate());
