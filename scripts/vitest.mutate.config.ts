/**
 * The vitest configuration Stryker runs: the project's, with `include` narrowed to the test files of the
 * modules being mutated (XHS_MUTATE_TESTS, set by stryker.config.mjs). Not Stryker's own `testFiles`
 * option: with it, Stryker 9.6.1 activates static mutants after the module has loaded, so every mutant of a
 * module-level constant (a regex, a table) is reported as survived (stryker-js issue #6144).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import base from "../vitest.config.js";

const include = process.env.XHS_MUTATE_TESTS?.split(",").filter((glob) => glob !== "");

// Spread, not mergeConfig: mergeConfig concatenates arrays, so the project's include would stay.
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    ...base.test,
    ...(include && include.length > 0 ? { include } : {}),
    // Instrumented code with per-test coverage runs several times slower, on a shared machine slower still: a
    // test of linear work on long input passed 30 s in the initial run and stopped the whole run. Stryker's own
    // timeout (stryker.config.mjs timeoutMS) still decides when a mutant's run counts as hanging.
    testTimeout: 120_000,
  },
});
