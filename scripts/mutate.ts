/**
 * `npm run mutate [-- <module>...] [-- <Stryker options>]`: mutation testing (Stryker, stryker.config.mjs),
 * one module at a time, each with its own incremental file and report under reports/mutation/, then
 * docs/mutation.md rewritten from every report there. `--table` only rewrites docs/mutation.md.
 * `--changed` (`npm run mutate:changed`) runs only the modules whose source or test files differ from what
 * their last run tested (reports/mutation/<name>.inputs.json, content hashes written after each run).
 *
 *   npm run mutate                                  every module in stryker.config.mjs, one after another
 *   npm run mutate -- src/store/merge.ts            one module
 *   npm run mutate -- src/store/merge.ts --concurrency 2 --force    (anything else goes to Stryker)
 *   npm run mutate:changed                          the changed modules only (incremental, so fast)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GOAL, MODULES, TESTS } from "../stryker.config.mjs";
import { keepNotes, type ModuleScore, type MutationReport, moduleScore, renderTable } from "./mutation-table.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TABLE = join(ROOT, "docs/mutation.md");

/** git's answer, or null outside a git checkout (a run there records no commit). */
const git = (args: readonly string[]): string | null => {
  const run = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : null;
};

/** Now and what is checked out, for a run of `inputs` starting now. */
function measuredNow(inputs: RunInputs): Measured {
  const status = git(["status", "--porcelain", "--", ...Object.keys(inputs.files)]) ?? "";
  const edited = status
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.slice(3));
  const at = new Date().toISOString().slice(0, 16).replace("T", " ");
  return { at, commit: git(["rev-parse", "--short", "HEAD"]) ?? "no git", edited };
}

/** reports/mutation/<name>.json and .incremental.json: "src/store/merge.ts" → "store-merge". */
export const reportName = (module: string): string =>
  module
    .replace(/^src\//, "")
    .replace(/\.ts$/, "")
    .replace(/[/.]/g, "-");

/** What one run of a module tested: each input file (the module, its test files) by content hash. */
export interface RunInputs {
  files: Record<string, string>;
  /** When the run started and what was checked out, for the table (not compared by changeSince). */
  measured?: Measured;
}

export interface Measured {
  /** UTC, to the minute: "2026-12-03 17:38". */
  at: string;
  /** HEAD, abbreviated. */
  commit: string;
  /** The inputs that differed from HEAD (uncommitted edits), so the figure is not that commit's. */
  edited: string[];
}

/** The table's measured cell: "2026-12-03 17:38, 3f71c1e" (+ edits when an input was not committed). */
export const measuredCell = (measured: Measured): string =>
  `${measured.at}, ${measured.commit}${measured.edited.length > 0 ? " + edits" : ""}`;

/** A glob of stryker.config.mjs TESTS ("test/x/**\/*.test.ts", "test/x/a-*.test.ts") as a whole-path pattern. */
export function globPattern(glob: string): RegExp {
  const parts = glob.split(/(\*\*\/|\*)/).map((part) => {
    if (part === "**/") return "(?:[^/]+/)*";
    if (part === "*") return "[^/]*";
    return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${parts.join("")}$`);
}

/**
 * The inputs of a module's run: the module and the test files its globs match among `paths`, each hashed
 * from `read`. Files a module imports are not inputs (nor are they for Stryker's incremental mode).
 */
export function runInputs(
  module: string,
  globs: readonly string[],
  paths: readonly string[],
  read: (path: string) => string,
): RunInputs {
  const patterns = globs.map(globPattern);
  const tests = paths.filter((path) => patterns.some((pattern) => pattern.test(path))).sort();
  const files: Record<string, string> = {};
  for (const path of [module, ...tests]) files[path] = createHash("sha256").update(read(path)).digest("hex");
  return { files };
}

/** Why the module must run again (a file changed, added or removed since `last`), or null when nothing did. */
export function changeSince(last: RunInputs | undefined, now: RunInputs): string | null {
  if (last === undefined) return "no earlier run";
  for (const [path, hash] of Object.entries(now.files)) {
    const before = last.files[path];
    if (before === undefined) return `${path} is new`;
    if (before !== hash) return `${path} changed`;
  }
  const removed = Object.keys(last.files).find((path) => !(path in now.files));
  return removed === undefined ? null : `${removed} is gone`;
}

const reportPath = (module: string, suffix: string): string =>
  join(ROOT, "reports/mutation", `${reportName(module)}${suffix}`);

/** Every file under test/, as a path from the root with forward slashes. */
function testPaths(): string[] {
  return readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" }).map(
    (path) => `test/${path.split("\\").join("/")}`,
  );
}

function currentInputs(module: string): RunInputs {
  return runInputs(module, TESTS[module as keyof typeof TESTS] ?? [], testPaths(), (path) =>
    readFileSync(join(ROOT, path), "utf8"),
  );
}

/** The inputs the module's incremental file was made from, if both files are there. */
function lastInputs(module: string): RunInputs | undefined {
  const inputs = reportPath(module, ".inputs.json");
  if (!existsSync(inputs) || !existsSync(reportPath(module, ".incremental.json"))) return undefined;
  return JSON.parse(readFileSync(inputs, "utf8")) as RunInputs;
}

function writeTable(): void {
  const scores = new Map<string, ModuleScore>();
  for (const module of MODULES) {
    // The incremental file is Stryker's whole report (the same schema as its JSON reporter's), committed.
    const path = reportPath(module, ".incremental.json");
    if (!existsSync(path)) continue;
    const score = moduleScore(JSON.parse(readFileSync(path, "utf8")) as MutationReport, module);
    const measured = lastInputs(module)?.measured;
    if (score !== null) scores.set(module, measured ? { ...score, measured: measuredCell(measured) } : score);
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
  const changedOnly = argv.includes("--changed");
  const modules = argv.filter((arg) => arg.startsWith("src/"));
  const strykerArgs = argv.filter((arg) => !arg.startsWith("src/") && arg !== "--changed");
  const unknown = modules.filter((m) => !MODULES.includes(m));
  if (unknown.length > 0) {
    console.error(
      `mutate: not a module under mutation testing: ${unknown.join(", ")}\n` +
        `  the modules (stryker.config.mjs MODULES): ${MODULES.join(", ")}`,
    );
    return 2;
  }
  let status = 0;
  let ran = 0;
  for (const module of modules.length > 0 ? modules : MODULES) {
    // Hashed before the run: Stryker tests the files as they are when it copies them, at its start.
    const inputs = currentInputs(module);
    const change = changeSince(lastInputs(module), inputs);
    if (changedOnly && change === null) {
      console.log(`mutate: ${module}: unchanged since its last run`);
      continue;
    }
    const measured = measuredNow(inputs);
    console.log(`mutate: ${module}${change === null ? "" : ` (${change})`}`);
    const started = Date.now();
    const run = spawnSync(join(ROOT, "node_modules/.bin/stryker"), ["run", ...strykerArgs], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, XHS_MUTATE: module, XHS_MUTATE_REPORT: reportName(module) },
    });
    ran++;
    if (run.status !== 0) {
      console.error(
        `mutate: Stryker failed on ${module} (exit ${run.status ?? run.signal}; below ${GOAL} % or an error)`,
      );
      status = 1;
    }
    // Stryker writes the incremental file at the end of a run that tested (even one below the goal).
    const incremental = reportPath(module, ".incremental.json");
    if (existsSync(incremental) && statSync(incremental).mtimeMs >= started) {
      writeFileSync(reportPath(module, ".inputs.json"), `${JSON.stringify({ ...inputs, measured }, null, 2)}\n`);
    }
  }
  if (ran > 0) writeTable();
  return status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
