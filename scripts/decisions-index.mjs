// Rewrites the index of docs/decisions.md from its sections (## Area) and entries (### Area: what), so the
// index never drifts from the entries. `node scripts/decisions-index.mjs` (then review the diff).
import { readFileSync, writeFileSync } from "node:fs";

const FILE = new URL("../docs/decisions.md", import.meta.url);
const SUPERSEDED = / — superseded by .*$/;

/** GitHub's heading anchor: lower case, links reduced to their text, punctuation dropped, spaces to dashes. */
export function anchor(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

const text = readFileSync(FILE, "utf8");
const lines = text.split("\n");
const indexAt = lines.indexOf("## Index");
const firstArea = lines.findIndex((line, i) => i > indexAt && line.startsWith("## "));
if (indexAt < 0 || firstArea < 0) throw new Error("docs/decisions.md: no '## Index' followed by an area section");

const index = [];
for (const line of lines.slice(firstArea)) {
  if (line.startsWith("## ")) {
    const area = line.slice(3).trim();
    index.push(`**[${area}](#${anchor(area)})**`, "");
  } else if (line.startsWith("### ")) {
    const heading = line.slice(4).trim();
    const title = heading.replace(SUPERSEDED, "");
    index.push(`- [${title}](#${anchor(heading)})${title === heading ? "" : " *(superseded)*"}`);
  } else continue;
  if (line.startsWith("### ")) continue;
}
// A blank line after each area's list.
const rendered = [];
for (const [i, line] of index.entries()) {
  rendered.push(line);
  if (line.startsWith("- ") && index[i + 1]?.startsWith("**[")) rendered.push("");
}
const out = [...lines.slice(0, indexAt + 1), "", ...rendered, "", ...lines.slice(firstArea)].join("\n");
writeFileSync(FILE, out.replace(/\n{3,}/g, "\n\n"));
console.log(`decisions-index: ${index.filter((l) => l.startsWith("- ")).length} entries indexed`);
