// Stryker (mutation testing) for the modules that decide what is correct and what is paid.
// Run through `npm run mutate` (scripts/mutate.ts), which runs one module at a time: each module has its own
// incremental file (Stryker's report) under reports/mutation/, committed, so a run on one module neither
// re-tests nor forgets the others, and a clean clone starts from the last results. Plain `npx stryker run`
// mutates every module below in one run.
//
// Environment (set by scripts/mutate.ts):
//   XHS_MUTATE        the files to mutate, comma-separated (default: all of MODULES)
//   XHS_MUTATE_REPORT the base name of the report files (default: "all")
// `--concurrency N` on the command line overrides the default of 1 (two cores, shared).

/**
 * The modules under mutation testing, each scored on its own in docs/mutation.md, with the test files run
 * against its mutants: the module's own tests, not the whole suite (its run takes more than five minutes on
 * one core; the normalizers' tests alone make a model run last 40 minutes). A score is what those tests catch.
 */
export const TESTS = {
  "src/model/counts.ts": ["test/model/**/*.test.ts"],
  "src/model/times.ts": ["test/model/**/*.test.ts"],
  "src/model/urls.ts": ["test/model/**/*.test.ts"],
  // Its one test compares the generated schema with the committed file, byte for byte.
  "src/model/json-schema.ts": ["test/model/json-schema.test.ts"],
  "src/store/merge.ts": ["test/store/**/*.test.ts"],
  "src/transport/classify.ts": ["test/transport/**/*.test.ts"],
  "src/failover/answer-verdicts.ts": ["test/failover/**/*.test.ts"],
  "src/service/spend-guard.ts": ["test/server/spend-cap.test.ts", "test/server/spend-guard.test.ts"],
  "src/transport/ledger.ts": ["test/transport/ledger-*.test.ts", "test/transport/transport.test.ts"],
  "src/refs/parse-ref.ts": ["test/refs/**/*.test.ts"],
  "src/refs/ids.ts": ["test/refs/**/*.test.ts"],
  "src/transport/backoff.ts": ["test/transport/backoff.test.ts", "test/transport/transport.test.ts"],
  "src/failover/rounds.ts": ["test/failover/**/*.test.ts"],
  "src/failover/subject-evidence.ts": ["test/failover/**/*.test.ts"],
  // The pure budget check only: test/crawl/engine.test.ts's real crawls take minutes per mutant.
  "src/crawl/engine/budget.ts": ["test/crawl/engine-steps.test.ts", "test/crawl/budget*.test.ts"],
};
export const MODULES = Object.keys(TESTS);

/** The score each module must reach (docs/mutation.md marks those below it). */
export const GOAL = 85;

const mutate = process.env.XHS_MUTATE ? process.env.XHS_MUTATE.split(",") : MODULES;
// Read by scripts/vitest.mutate.config.ts in Stryker's test-runner processes, which inherit the environment.
// A module may carry Stryker's line range ("src/refs/parse-ref.ts:1-113"), to split one long run over processes.
const testsOf = (module) => TESTS[module.replace(/:[\d:-]+$/, "")] ?? [];
process.env.XHS_MUTATE_TESTS = [...new Set(mutate.flatMap(testsOf))].join(",");
const report = process.env.XHS_MUTATE_REPORT ?? "all";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "scripts/vitest.mutate.config.ts", related: true },
  checkers: ["typescript"],
  // The checker compiles the modules and what they import (tsconfig.mutate.json lists MODULES), not the whole
  // tree: a type error in work in progress elsewhere does not stop a run.
  tsconfigFile: "tsconfig.mutate.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate,
  concurrency: 1,
  incremental: true,
  incrementalFile: `reports/mutation/${report}.incremental.json`,
  // No JSON reporter: the incremental file is the same report, and the one committed (scripts/mutate.ts).
  reporters: ["clear-text", "progress"],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  // The sandbox is made private (mkdtemp, 0700); a store test reads it as the user "nobody" (read-only folder).
  buildCommand: "chmod go+rx .",
  tempDirName: ".stryker-tmp",
  // Stryker copies the whole tree into its sandbox; the build output and clones git ignores at the top are not
  // needed there, and a clone another engineer was changing under /tmp made the copy fail (a file gone
  // mid-copy). Not "*.db": a store test opens test/store/fixtures/schema-v4.db.
  ignorePatterns: ["/tmp", "/dist", "/dist-check", "/coverage", "/.bench-dist", "/.xhs"],
  cleanTempDir: true,
  timeoutMS: 10_000,
  // The initial run of test/refs took over Stryker's default 5 minutes under a load of 25 on two cores.
  dryRunTimeoutMinutes: 20,
  // A run below the goal fails (exit 1), so `npm run mutate:changed` in CI does too.
  thresholds: { high: 90, low: GOAL, break: GOAL },
};
