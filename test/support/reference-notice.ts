/**
 * Vitest global setup: when ../shared/reference is absent, say once, before any test runs, which suites skip
 * because of it (each of them imports test/support/reference.js).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { hasReference, REFERENCE_DIR } from "./reference.js";

function suitesReadingTheReference(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...suitesReadingTheReference(full));
    else if (entry.name.endsWith(".test.ts") && readFileSync(full, "utf8").includes("support/reference.js"))
      out.push(full);
  }
  return out;
}

export default function setup(): void {
  if (hasReference()) return;
  const root = path.resolve(import.meta.dirname, "..");
  const suites = suitesReadingTheReference(root).map((file) => path.relative(path.dirname(root), file));
  process.stderr.write(
    `\nReference material not found at ${REFERENCE_DIR}: the ${suites.length} suites that check xhs-kit against it ` +
      `skip their reference tests (${suites.join(", ")}). Put the team's shared/reference folder beside the ` +
      "repository to run them.\n\n",
  );
}
