import { describe, expect, it } from "vitest";
import { changeSince, globPattern, runInputs } from "../../scripts/mutate.js";
import { TESTS } from "../../stryker.config.mjs";

describe("mutate --changed: which modules must run again", () => {
  it("reads the globs of stryker.config.mjs TESTS as whole paths", () => {
    const all = globPattern("test/refs/**/*.test.ts");
    expect(all.test("test/refs/ids.test.ts")).toBe(true);
    expect(all.test("test/refs/deep/er/ids.test.ts")).toBe(true);
    expect(all.test("test/refs/ids.ts")).toBe(false);
    expect(all.test("test/refsx/ids.test.ts")).toBe(false);
    expect(all.test("other/test/refs/ids.test.ts")).toBe(false);
    const some = globPattern("test/transport/ledger-*.test.ts");
    expect(some.test("test/transport/ledger-gate.test.ts")).toBe(true);
    expect(some.test("test/transport/ledger.test.ts")).toBe(false);
    expect(some.test("test/transport/x/ledger-gate.test.ts")).toBe(false);
    const one = globPattern("test/server/spend-cap.test.ts");
    expect(one.test("test/server/spend-cap.test.ts")).toBe(true);
    expect(one.test("test/server/spend-capXtest.ts")).toBe(false); // the dots are literal
  });

  const files: Record<string, string> = {
    "src/refs/ids.ts": "export const a = 1;",
    "test/refs/ids.test.ts": "test 1",
    "test/refs/more/parse.test.ts": "test 2",
    "test/refs/helpers.ts": "not a test",
    "test/model/counts.test.ts": "another module's test",
  };
  const inputs = (over: Record<string, string | undefined> = {}) => {
    const now = { ...files, ...over };
    const paths = Object.keys(now).filter((path) => now[path] !== undefined);
    return runInputs("src/refs/ids.ts", ["test/refs/**/*.test.ts"], paths, (path) => now[path] as string);
  };

  it("hashes the module and the test files its globs match, nothing else", () => {
    expect(Object.keys(inputs().files)).toEqual([
      "src/refs/ids.ts",
      "test/refs/ids.test.ts",
      "test/refs/more/parse.test.ts",
    ]);
    expect(inputs().files["test/refs/ids.test.ts"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("says why a module runs again, and null when nothing it is tested on changed", () => {
    const last = inputs();
    expect(changeSince(undefined, last)).toBe("no earlier run");
    expect(changeSince(last, inputs())).toBeNull();
    // Files outside the module's inputs do not count.
    expect(
      changeSince(last, inputs({ "test/refs/helpers.ts": "edited", "test/model/counts.test.ts": "edited" })),
    ).toBeNull();
    expect(changeSince(last, inputs({ "src/refs/ids.ts": "export const a = 2;" }))).toBe("src/refs/ids.ts changed");
    expect(changeSince(last, inputs({ "test/refs/more/parse.test.ts": "test 2b" }))).toBe(
      "test/refs/more/parse.test.ts changed",
    );
    expect(changeSince(last, inputs({ "test/refs/new.test.ts": "test 3" }))).toBe("test/refs/new.test.ts is new");
    expect(changeSince(last, inputs({ "test/refs/ids.test.ts": undefined }))).toBe("test/refs/ids.test.ts is gone");
  });

  it("every module's globs match at least one test file of the checkout", async () => {
    const { readdirSync } = await import("node:fs");
    const paths = readdirSync(new URL("../../test", import.meta.url), { recursive: true, encoding: "utf8" }).map(
      (p) => `test/${p}`,
    );
    for (const [module, globs] of Object.entries(TESTS)) {
      const matched = paths.filter((path) => globs.some((glob) => globPattern(glob).test(path)));
      expect(matched.length, module).toBeGreaterThan(0);
    }
  });
});
