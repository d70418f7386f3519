// Stryker (mutation testing) for the modules that decide what is correct and what is paid.
// Run through `npm run mutate` (scripts/mutate.ts), which runs one module at a time: each module has its own
// incremental file and JSON report under reports/mutation/ (gitignored), so a run on one module neither
// re-tests nor forgets the others. Plain `npx stryker run` mutates every module below in one run.
//
// Environment (set by scripts/mutate.ts):
//   XHS_MUTATE        the files to mutate, comma-separated (default: all of MODULES)
//   XHS_MUTATE_REPORT the base name of the report files (default: "all")
// `--concurrency N` on the command line overrides the default of 1 (two cores, shared).

/** The modules under mutation testing, each scored on its own in docs/mutation.md. */
export const MODULES = [
  "src/model/counts.ts",
  "src/model/times.ts",
  "src/model/urls.ts",
  "src/store/merge.ts",
  "src/transport/classify.ts",
];

/** The score each module must reach (docs/mutation.md marks those below it). */
export const GOAL = 85;

const mutate = process.env.XHS_MUTATE ? process.env.XHS_MUTATE.split(",") : MODULES;
const report = process.env.XHS_MUTATE_REPORT ?? "all";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.config.ts", related: true },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.mutate.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate,
  concurrency: 1,
  incremental: true,
  incrementalFile: `reports/mutation/${report}.incremental.json`,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  timeoutMS: 10_000,
  thresholds: { high: 90, low: GOAL, break: null },
};
