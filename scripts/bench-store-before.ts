/**
 * SQLite write throughput of today's store against the store before Kysely (issue #13: "keep it at ≥ 0.8× of
 * today's"), in one process, alternating rounds, best of each (src/bench/store-write.ts's workload).
 *
 *   git worktree add --detach /tmp/oldstore d8a7bde && ln -s "$PWD/node_modules" /tmp/oldstore/node_modules
 *   npx tsx scripts/bench-store-before.ts /tmp/oldstore [pages=100] [rounds=8]
 *   git worktree remove --force /tmp/oldstore
 *
 * d8a7bde is the last commit with the hand-written SqliteStore (1a27bda moved SQLite onto the Kysely store).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { measureStoreWrites, type StoreBackendUnderTest, sqliteBackend } from "../src/bench/store-write.js";

const [tree, pages = "100", rounds = "8"] = process.argv.slice(2);
if (!tree) {
  process.stderr.write("usage: npx tsx scripts/bench-store-before.ts OLD_TREE [pages] [rounds]\n");
  process.exit(2);
}
const old = await import(pathToFileURL(resolve(tree, "src/store/sqlite/sqlite-store.ts")).href);
const before: StoreBackendUnderTest = {
  name: "before Kysely",
  async open() {
    const folder = mkdtempSync(join(tmpdir(), "xhs-bench-before-"));
    const store = old.openSqliteStore(join(folder, "bench.db"));
    return { store, dispose: async () => rmSync(folder, { recursive: true, force: true }) };
  },
};
const measuredAt = new Date().toISOString();
const loadAtStart = loadavg()[0]!;
const result = await measureStoreWrites([before, { ...sqliteBackend(), name: "today" }], {
  pages: Number(pages),
  rounds: Number(rounds),
  log: (line) => process.stderr.write(`${line}\n`),
});
const oldCommit = execFileSync("git", ["-C", tree, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
const loadAverage = { start: Math.round(loadAtStart * 10) / 10, end: Math.round(loadavg()[0]! * 10) / 10 };
// One run, in the shape bench/store-before.json lists (add it there, then `npm run bench -- --render`).
process.stdout.write(`${JSON.stringify({ measuredAt, before: oldCommit, loadAverage, ...result }, null, 2)}\n`);
