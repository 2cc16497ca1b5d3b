// `npm run grammar`: regenerates the grammar's derived artefacts from the parser:
// the CST typings (grammar/cst.d.ts) and railroad diagrams (grammar/diagrams.html).
// A spec fails when the committed typings are stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCstTypings, renderDiagrams } from "../grammar/artefacts.js";

const root = new URL("..", import.meta.url);
const write = (path: string, text: string) => {
  writeFileSync(fileURLToPath(new URL(path, root)), text);
  console.log(`wrote ${path}`);
};
write("grammar/cst.d.ts", renderCstTypings());
write("grammar/diagrams.html", renderDiagrams());
