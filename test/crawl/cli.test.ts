/**
 * `xhs crawl`, `xhs export` and `xhs runs` on the database side: the progress bar's total, an unknown
 * run, someone else's SQLite file, and a database on a folder the user cannot write.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { runCli, simRig } from "../cli/helpers.js";

const REPO = resolve(import.meta.dirname, "../..");
const NOTE = "697c0eee000000000a03c308";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "xhs-crawl-db-"));
});
afterEach(() => {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) chmodSync(join(dir, entry), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/** The frames the bar drew: [value, total] of each "jobs [...] value/total". */
function frames(stderr: string): [number, number][] {
  return [...stderr.matchAll(/jobs \[[^\]]*\] (\d+)\/(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe("xhs crawl: the progress bar", () => {
  for (const seed of [1, 2, 5]) {
    it(`counts jobs finished of the jobs known, and fills when the run completes (seed ${seed})`, async () => {
      const rig = simRig({ seed });
      const result = await rig.run(
        ["crawl", "--keyword", "露营", "--limit", "3", "--comments", "4", "--replies", "2", "--db", "p.db"],
        { cwd: dir, stderrTTY: true },
      );
      expect(result.code, result.stderr).toBe(EXIT.ok);
      const drawn = frames(result.stderr);
      // How many frames are drawn depends on the bar's redraw rate and the machine's speed; what is
      // asserted is that none overflows, the last one is full, and its total is the run's jobs.
      expect(drawn.length).toBeGreaterThan(0);
      for (const [value, total] of drawn) expect(value).toBeLessThanOrEqual(total);
      const [lastValue, lastTotal] = drawn.at(-1) ?? [0, 0];
      expect(lastValue).toBe(lastTotal);
      // The total is the run's jobs, not --max-notes' 1000.
      const report = JSON.parse(
        (
          await runCli(["runs", "show", result.stderr.match(/run (\S+) into/)?.[1] ?? "", "--db", "p.db", "--json"], {
            cwd: dir,
          })
        ).stdout,
      ) as { jobs: { done: number; failed: number } };
      expect(lastTotal).toBe(report.jobs.done + report.jobs.failed);
    });
  }
});

describe("xhs export and runs: the database", () => {
  it("export --run with an unknown run is a clear error (exit 2), and writes no file", async () => {
    const rig = simRig();
    const crawl = await rig.run(["crawl", "--note", NOTE, "--comments", "0", "--db", "x.db"], { cwd: dir });
    expect(crawl.code, crawl.stderr).toBe(EXIT.ok);
    const result = await runCli(["export", "notes", "--run", "nope", "--db", "x.db", "-o", "out.csv"], { cwd: dir });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/no run "nope" in x\.db/);
    expect(result.stdout).toBe("");
    expect(existsSync(join(dir, "out.csv"))).toBe(false);
    const known = await runCli(["export", "notes", "--db", "x.db"], { cwd: dir });
    expect(known.code).toBe(EXIT.ok);
    expect(known.stdout).toContain(NOTE);
  });

  it("refuses someone else's SQLite file as --db before paying or writing anything", async () => {
    const path = join(dir, "app.sqlite");
    const db = new Database(path);
    db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders VALUES (1, 9.5)");
    db.close();
    const before = readFileSync(path);
    const rig = simRig();
    for (const args of [
      ["crawl", "--note", NOTE, "--db", "app.sqlite"],
      ["export", "notes", "--db", "app.sqlite"],
      ["runs", "list", "--db", "app.sqlite"],
      // The demo deletes its previous database: never someone else's.
      ["demo", "--db", "app.sqlite"],
    ]) {
      const result = await rig.run(args, { cwd: dir });
      expect(result.code, args.join(" ")).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/not an xhs-kit database/);
    }
    expect(rig.calls()).toBe(0);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(["app.sqlite"]);
  });

  it("export and runs read a database in a folder the user cannot write", async () => {
    const rig = simRig();
    const folder = join(dir, "ro");
    mkdirSync(folder);
    const crawl = await rig.run(["crawl", "--note", NOTE, "--comments", "0", "--db", "ro/x.db", "--json"], {
      cwd: dir,
    });
    expect(crawl.code, crawl.stderr).toBe(EXIT.ok);
    const { runId } = JSON.parse(crawl.stdout) as { runId: string };
    expect(readdirSync(folder)).toEqual(["x.db"]);
    chmodSync(join(folder, "x.db"), 0o444);
    chmodSync(folder, 0o555);
    chmodSync(dir, 0o755);
    // Root ignores permissions: read as nobody then.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const cli = (args: string[]) =>
      spawnSync(
        process.execPath,
        ["--import", join(REPO, "node_modules/tsx/dist/esm/index.mjs"), join(REPO, "src/cli/main-entry.ts"), ...args],
        {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, TIKHUB_API_KEY: "" },
          ...asNobody,
        },
      );
    const exported = cli(["export", "notes", "--db", "ro/x.db"]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(NOTE);
    const show = cli(["runs", "show", runId, "--db", "ro/x.db"]);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toContain(runId);
    expect(readdirSync(folder)).toEqual(["x.db"]);
  }, 120_000);
});
