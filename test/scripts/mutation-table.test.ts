import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { measuredCell } from "../../scripts/mutate.js";
import { keepNotes, moduleScore, renderTable } from "../../scripts/mutation-table.js";
import { MODULES } from "../../stryker.config.mjs";

const mutants = (counts: Record<string, number>) =>
  Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

describe("mutation scores table", () => {
  it("scores detected / (detected + survived + no coverage), leaving out equivalent and untyped mutants", () => {
    const report = {
      files: {
        "src/store/merge.ts": {
          mutants: mutants({ Killed: 80, Timeout: 5, Survived: 10, NoCoverage: 5, Ignored: 3, CompileError: 40 }),
        },
      },
    };
    expect(moduleScore(report, "src/store/merge.ts")).toEqual({
      module: "src/store/merge.ts",
      killed: 80,
      timeout: 5,
      survived: 10,
      noCoverage: 5,
      ignored: 3,
      compileErrors: 40,
      score: 85,
    });
    expect(moduleScore(report, "src/model/urls.ts")).toBeNull();
    expect(moduleScore({ files: { "a.ts": { mutants: mutants({ Ignored: 2 }) } } }, "a.ts")?.score).toBeNull();
  });

  it("writes one row per module, marks those below the goal and those not measured", () => {
    const scores = new Map([
      ["a.ts", moduleScore({ files: { "a.ts": { mutants: mutants({ Killed: 9, Survived: 1 }) } } }, "a.ts")!],
      ["b.ts", moduleScore({ files: { "b.ts": { mutants: mutants({ Killed: 2, Survived: 1 }) } } }, "b.ts")!],
    ]);
    const table = renderTable(["a.ts", "b.ts", "c.ts"], scores, 85);
    expect(table).toContain("| `a.ts` | 9 | 0 | 1 | 0 | 0 | 0 | 90.0 % | not recorded |");
    expect(table).toContain("| `b.ts` | 2 | 0 | 1 | 0 | 0 | 0 | 66.7 % (below goal) | not recorded |");
    expect(table).toContain("| `c.ts` | not measured yet |");
    expect(table).toContain("Goal: ≥ 85 % per module.");
  });

  it("keeps the last row of a module this run has no report for (reports stay on the machine that ran them)", () => {
    const scores = new Map([
      ["a.ts", moduleScore({ files: { "a.ts": { mutants: mutants({ Killed: 9, Survived: 1 }) } } }, "a.ts")!],
    ]);
    const previous =
      "| `a.ts` | 1 | 0 | 9 | 0 | 0 | 0 | 10.0 % (below goal) |\n| `b.ts` | 7 | 0 | 0 | 0 | 1 | 2 | 100.0 % |\n";
    const table = renderTable(["a.ts", "b.ts", "c.ts"], scores, 85, previous);
    expect(table).toContain("| `a.ts` | 9 | 0 | 1 | 0 | 0 | 0 | 90.0 % | not recorded |");
    // A row written before the measured column gets the column, saying it was not recorded.
    expect(table).toContain("| `b.ts` | 7 | 0 | 0 | 0 | 1 | 2 | 100.0 % | not recorded |");
    expect(table).toContain("| `c.ts` | not measured yet |");
    expect(table).not.toContain("10.0 %");
  });

  it("says when and at which commit each figure was measured, and whether its inputs were uncommitted", () => {
    const score = moduleScore({ files: { "a.ts": { mutants: mutants({ Killed: 3 }) } } }, "a.ts")!;
    const clean = measuredCell({ at: "2026-12-03 17:38", commit: "3f71c1e", edited: [] });
    const edited = measuredCell({ at: "2026-12-03 17:38", commit: "3f71c1e", edited: ["test/a.test.ts"] });
    expect(clean).toBe("2026-12-03 17:38, 3f71c1e");
    expect(edited).toBe("2026-12-03 17:38, 3f71c1e + edits");
    const table = renderTable(["a.ts"], new Map([["a.ts", { ...score, measured: clean }]]), 85);
    expect(table).toContain("| `a.ts` | 3 | 0 | 0 | 0 | 0 | 0 | 100.0 % | 2026-12-03 17:38, 3f71c1e |");
    expect(table).toContain(
      "| module | killed | timed out | survived | no coverage | equivalent | not typed | score | measured |",
    );
    // A row kept from the previous file keeps its measured cell.
    const kept = renderTable(["a.ts"], new Map(), 85, table);
    expect(kept).toContain("| `a.ts` | 3 | 0 | 0 | 0 | 0 | 0 | 100.0 % | 2026-12-03 17:38, 3f71c1e |");
  });
});

describe("mutation notes", () => {
  it("keeps the hand-written notes of the previous file under a new table", () => {
    const previous = "# Mutation scores\n\n| old |\n\n## Notes\n\n- counts.ts: bounds are equivalent.\n";
    expect(keepNotes("# Mutation scores\n\n| new |\n", previous)).toBe(
      "# Mutation scores\n\n| new |\n\n## Notes\n\n- counts.ts: bounds are equivalent.\n",
    );
    expect(keepNotes("| new |\n", "| old |\n")).toBe("| new |\n");
    expect(keepNotes("| new |\n", undefined)).toBe("| new |\n");
  });
});

describe("mutation configuration", () => {
  it("type-checks exactly the modules it mutates (tsconfig.mutate.json lists stryker.config.mjs MODULES)", () => {
    const tsconfig = JSON.parse(readFileSync(new URL("../../tsconfig.mutate.json", import.meta.url), "utf8"));
    expect([...tsconfig.files].sort()).toEqual([...MODULES].sort());
  });
});
