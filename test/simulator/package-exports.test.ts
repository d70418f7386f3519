/**
 * The package's export map, checked without a build: every entry's `default` and `types` point at the
 * build output of one source module (tsconfig.build.json: rootDir → outDir), and that module exports
 * what the README imports from it. `import { createSimulatorCore } from "xhs-kit/simulator"` once gave
 * only the type.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, { types: string; default: string }>;
};
const build = JSON.parse(readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")) as {
  compilerOptions: { rootDir: string; outDir: string };
};

/** The source module a built file comes from: dist/simulator/index.js → src/simulator/index.ts. */
function sourceOf(built: string): string {
  const rel = path.relative(path.join(ROOT, build.compilerOptions.outDir), path.join(ROOT, built));
  expect(rel.startsWith(".."), `${built} is outside ${build.compilerOptions.outDir}`).toBe(false);
  return path.join(ROOT, build.compilerOptions.rootDir, rel.replace(/\.d\.ts$|\.js$/, ".ts"));
}

/** What `import … from "xhs-kit<subpath>"` gives once built, read from the source it is built from. */
async function importEntry(subpath: string): Promise<Record<string, unknown>> {
  const entry = pkg.exports[subpath];
  if (!entry) throw new Error(`no export "${subpath}" in package.json`);
  return (await import(pathToFileURL(sourceOf(entry.default)).href)) as Record<string, unknown>;
}

describe(`the export map of ${pkg.name}`, () => {
  it.each(Object.entries(pkg.exports))("%s: types and code come from one existing source module", (_, entry) => {
    const source = sourceOf(entry.default);
    expect(existsSync(source), source).toBe(true);
    expect(sourceOf(entry.types)).toBe(source);
  });

  it('"xhs-kit/simulator" exports createSimulatorCore as a value that answers like the README says', async () => {
    const mod = await importEntry("./simulator");
    for (const name of ["createSimulatorCore", "createSimulator", "startSimulator", "parseFaultProfile"]) {
      expect(typeof mod[name], name).toBe("function");
    }
    const createSimulatorCore = mod[
      "createSimulatorCore"
    ] as typeof import("../../src/simulator/core.js").createSimulatorCore;
    const sim = createSimulatorCore({ seed: 1, size: "tiny" });
    const r = sim.handle({ path: "/api/v1/xiaohongshu/app_v2/search_notes", query: { keyword: "美食推荐" } });
    expect(r.status).toBe(200);
    expect(r.endpoint).toBe("app_v2/search_notes");
  });

  it("every value the README imports from the package is exported as a value", async () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const imports = [...readme.matchAll(/import \{([^}]*)\} from "(xhs-kit(?:\/[a-z]+)?)"/g)];
    expect(imports.length).toBeGreaterThan(3);
    for (const [, names = "", from = ""] of imports) {
      const mod = await importEntry(from.replace(/^xhs-kit/, "."));
      for (const name of names.split(",").map((n) => n.trim())) {
        if (name === "" || name.startsWith("type ")) continue;
        expect(mod[name.split(/\s+as\s+/)[0] ?? name], `${name} from ${from}`).toBeDefined();
      }
    }
  });
});
