/**
 * `npm run mutate [-- <module>...] [-- <Stryker options>]`: mutation testing (Stryker, stryker.config.mjs),
 * one module at a time, each with its own incremental file and report under reports/mutation/, then
 * docs/mutation.md rewritten from every report there. `--table` only rewrites docs/mutation.md.
 *
 *   npm run mutate                                  every module in stryker.config.mjs, one after another
 *   npm run mutate -- src/store/merge.ts            one module
 *   npm run mutate -- src/store/merge.ts --concurrency 2 --force    (anything else goes to Stryker)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GOAL, MODULES } from "../stryker.config.mjs";
import { keepNotes, type ModuleScore, type MutationReport, moduleScore, renderTable } from "./mutation-table.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TABLE = join(ROOT, "docs/mutation.md");

/** reports/mutation/<name>.json and .incremental.json: "src/store/merge.ts" → "store-merge". */
export const reportName = (module: string): string =>
  module
    .replace(/^src\//, "")
    .replace(/\.ts$/, "")
    .replace(/[/.]/g, "-");

function writeTable(): void {
  const scores = new Map<string, ModuleScore>();
  for (const module of MODULES) {
    const path = join(ROOT, "reports/mutation", `${reportName(module)}.json`);
    if (!existsSync(path)) continue;
    const score = moduleScore(JSON.parse(readFileSync(path, "utf8")) as MutationReport, module);
    if (score !== null) scores.set(module, score);
  }
  const previous = existsSync(TABLE) ? readFileSync(TABLE, "utf8") : undefined;
  writeFileSync(TABLE, keepNotes(renderTable(MODULES, scores, GOAL, previous), previous));
  console.log(`mutate: wrote ${TABLE}`);
}

function main(argv: readonly string[]): number {
  if (argv.includes("--table")) {
    writeTable();
    return 0;
  }
  const modules = argv.filter((arg) => arg.startsWith("src/"));
  const strykerArgs = argv.filter((arg) => !arg.startsWith("src/"));
  const unknown = modules.filter((m) => !MODULES.includes(m));
  if (unknown.length > 0) {
    console.error(
      `mutate: not a module under mutation testing: ${unknown.join(", ")}\n` +
        `  the modules (stryker.config.mjs MODULES): ${MODULES.join(", ")}`,
    );
    return 2;
  }
  let status = 0;
  for (const module of modules.length > 0 ? modules : MODULES) {
    console.log(`mutate: ${module}`);
    const run = spawnSync(join(ROOT, "node_modules/.bin/stryker"), ["run", ...strykerArgs], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, XHS_MUTATE: module, XHS_MUTATE_REPORT: reportName(module) },
    });
    if (run.status !== 0) {
      console.error(`mutate: Stryker failed on ${module} (exit ${run.status ?? run.signal})`);
      status = 1;
    }
  }
  writeTable();
  return status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
