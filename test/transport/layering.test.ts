/**
 * The library core ("xhs-kit") never loads the simulator or the HTTP server: what they share (the
 * loopback rule, the catalogue) lives in neutral modules. Checked on the static import graph.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");

/** Every source file reachable from `entry` through relative imports and re-exports (type-only ones too). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), (m[1] as string).replace(/\.js$/, ".ts"));
      if (existsSync(target)) stack.push(target);
    }
  }
  return seen;
}

describe("layering", () => {
  it("src/index.ts reaches neither src/simulator nor src/server", () => {
    const files = [...reachable(path.join(SRC, "index.ts"))].map((f) => path.relative(SRC, f));
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain("transport/http.ts");
    expect(files.filter((f) => f.startsWith("simulator/") || f.startsWith("server/"))).toEqual([]);
  });

  it("the server and the simulator share the loopback rule from src/core/hosts.ts", () => {
    for (const entry of ["server/index.ts", "simulator/index.ts"]) {
      const files = [...reachable(path.join(SRC, entry))].map((f) => path.relative(SRC, f));
      expect(files, entry).toContain("core/hosts.ts");
    }
  });
});
