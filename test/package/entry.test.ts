/**
 * The package as an installer gets it: src/ built with tsconfig.build.json into a temporary package folder
 * (the repo's package.json and its "files" beside the build, node_modules linked), then imported by its own
 * name in a fresh node, so the "exports" map is what resolves `xhs-kit` and `xhs-kit/store`.
 * - `import "xhs-kit"` loads no native addon, no better-sqlite3, no csv-stringify (the store is its own entry);
 * - `xhs-kit/store` does load them, so the check is not blind;
 * - `npm pack --dry-run` lists no benchmark code (src/bench builds to .bench-dist/ via tsconfig.bench.json).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const HOOKS = pathToFileURL(join(import.meta.dirname, "record-resolved.mjs")).href;
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; files: string[] };

let packageDir = "";

beforeAll(() => {
  packageDir = mkdtempSync(join(tmpdir(), "xhs-kit-package-"));
  // Built into the temp folder, not dist/: other work in this tree may be using dist/ at the same time.
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", join(packageDir, "dist")],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (tsc.status !== 0) throw new Error(`the build failed:\n${tsc.stdout}${tsc.stderr}`.slice(0, 4000));
  cpSync(join(ROOT, "package.json"), join(packageDir, "package.json"));
  for (const entry of pkg.files) {
    if (entry !== "dist" && existsSync(join(ROOT, entry)))
      cpSync(join(ROOT, entry), join(packageDir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(packageDir, "node_modules"), "dir");
}, 240_000);

afterAll(() => {
  if (packageDir) rmSync(packageDir, { recursive: true, force: true });
});

interface Loads {
  /** Every URL the ESM loader resolved. */
  resolved: string[];
  /** Every CommonJS module loaded (require.cache): what the ESM hooks do not see on Node 20. */
  commonjs: string[];
  /** Native addons mapped into the process (the diagnostic report's shared objects ending in .node). */
  addons: string[];
}

// Runs in a fresh node with the package folder as cwd, so `import("xhs-kit…")` is a self-reference.
const CHILD = `
import { readFileSync } from "node:fs";
import { createRequire, register } from "node:module";
const [specifier, hooks, logFile, openStore] = process.argv.slice(1);
register(hooks, { data: { logFile } });
const mod = await import(specifier);
if (openStore === "yes") await mod.openSqliteStore(":memory:").close();
const resolved = readFileSync(logFile, "utf8").split("\\n").filter(Boolean);
const commonjs = Object.keys(createRequire(process.cwd() + "/").cache);
const addons = process.report.getReport().sharedObjects.filter((file) => file.endsWith(".node"));
process.stdout.write(JSON.stringify({ resolved, commonjs, addons }));
`;

function loadsOf(specifier: string, openStore = false): Loads {
  const logFile = join(mkdtempSync(join(packageDir, "loads-")), "resolved.txt");
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", CHILD, specifier, HOOKS, logFile, openStore ? "yes" : "no"],
    { cwd: packageDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  return JSON.parse(out) as Loads;
}

const HEAVY = [/\/node_modules\/better-sqlite3\//, /\/node_modules\/bindings\//, /\/node_modules\/csv-stringify\//];

function heavyIn(loads: Loads): string[] {
  return [...loads.resolved, ...loads.commonjs, ...loads.addons].filter((file) => HEAVY.some((re) => re.test(file)));
}

describe(`import "${pkg.name}"`, () => {
  it("resolves through the exports map to the build and loads no native addon, better-sqlite3 or csv-stringify", () => {
    const loads = loadsOf(pkg.name);
    expect(loads.resolved).toContain(pathToFileURL(join(packageDir, "dist/index.js")).href);
    expect(loads.addons).toEqual([]);
    expect(heavyIn(loads)).toEqual([]);
  });

  it(`"${pkg.name}/store" does load better-sqlite3 and csv-stringify, and opening a store maps the addon`, () => {
    const loads = loadsOf(`${pkg.name}/store`, true);
    expect(loads.resolved).toContain(pathToFileURL(join(packageDir, "dist/store/index.js")).href);
    expect(loads.resolved.some((url) => url.includes("/node_modules/csv-stringify/"))).toBe(true);
    expect(loads.commonjs.some((file) => file.includes("/node_modules/better-sqlite3/"))).toBe(true);
    expect(loads.addons.some((file) => file.endsWith("better_sqlite3.node"))).toBe(true);
  });
});

describe("npm pack --dry-run", () => {
  it("lists the build and no benchmark code", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: packageDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
    const paths = (packed?.files ?? []).map((file) => file.path);
    expect(paths).toContain("dist/index.js");
    expect(paths).toContain("dist/store/index.js");
    expect(paths.filter((path) => /(^|\/)bench(\/|$)/.test(path))).toEqual([]);
  });
});
