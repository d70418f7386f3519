/**
 * `xhs watch` as a user runs it: bad input is refused with exit 2 before anything is created or paid; --once
 * runs what is due and exits, and a second --once finds nothing due; an interrupt stops the loop cleanly; a
 * second scheduler on the same database is refused.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { SqlWatchState } from "../../src/watch/sql-state.js";
import { jsonLines, simRig } from "../cli/helpers.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";

const dir = mkdtempSync(join(tmpdir(), "xhs-watch-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshDb = () => join(dir, `w${++n}.db`);

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("xhs watch: bad input", () => {
  const cases: [string, string[], RegExp][] = [
    ["a malformed interval", ["--keyword", "露营", "--every", "6 hours"], /--every.*expected a duration/],
    ["an interval under a minute", ["--keyword", "露营", "--every", "10s"], /--every.*1m or longer/],
    ["an unknown rule", ["--keyword", "露营", "--alert", "goes_viral"], /--alert #1.*unknown rule.*new_note/],
    [
      "a threshold of the wrong type",
      ["--keyword", "露营", "--alert", "count_above:likes=lots"],
      /--alert #1.*threshold.*number/,
    ],
    ["an unknown alert key", ["--keyword", "露营", "--alert", "count_above:hearts=5"], /unknown key "hearts"/],
    ["an unknown delivery", ["--keyword", "露营", "--deliver", "slack"], /--deliver slack: expected stdout/],
    ["nothing to watch", ["--every", "1h"], /nothing to watch/],
    ["an empty keyword", ["--keyword", " "], /--keyword #1/],
    ["an unknown sort", ["--keyword", "露营", "--sort", "hottest"], /--sort.*hottest/],
  ];
  for (const [what, argv, message] of cases) {
    it(`${what}: exit 2, a clear message, no database, nothing paid`, async () => {
      const rig = simRig();
      const db = freshDb();
      const result = await rig.run(["watch", ...argv, "--db", db]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(rig.calls()).toBe(0);
      expect(existsSync(db)).toBe(false);
    });
  }

  it("an unreachable webhook at start: exit 2 naming it, nothing scheduled or paid", async () => {
    const rig = simRig();
    const db = freshDb();
    const url = `http://127.0.0.1:${await deadPort()}/hook`;
    const result = await rig.run(["watch", "--keyword", "露营", "--alert", "new_note", "--deliver", url, "--db", db], {
      env: { XHS_WEBHOOK_SECRET: "whsec-0123456789" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`webhook ${url} cannot be reached`);
    expect(result.stderr).not.toContain("whsec-0123456789");
    expect(rig.calls()).toBe(0);
    expect(existsSync(db)).toBe(false);
  });

  it("a plan file with a bad rule: exit 2 naming its path in the file", async () => {
    const rig = simRig();
    const plan = join(dir, "bad.yaml");
    writeFileSync(
      plan,
      "watch:\n  watches:\n    - name: w\n      every: 6h\n      keywords: [露营]\n      alerts:\n        - rule: count_above\n          metric: likes\n          threshold: '1000'\n",
    );
    const db = freshDb();
    const result = await rig.run(["watch", plan, "--db", db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/watch\.watches\[0\]\.alerts\[0\]\.threshold/);
    expect(rig.calls()).toBe(0);
    expect(existsSync(db)).toBe(false);
  });

  it("a plan file and watch flags together: exit 2", async () => {
    const rig = simRig();
    const result = await rig.run(["watch", join(dir, "any.yaml"), "--keyword", "露营", "--db", freshDb()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not both/);
  });
});

describe("xhs watch --once", () => {
  it("runs what is due into the database and exits; the next --once finds nothing due", async () => {
    const rig = simRig({ seed: 1 });
    const db = freshDb();
    const argv = ["watch", "--keyword", "美食推荐", "--every", "1h", "--alert", "new_note", "--db", db, "--once"];
    const first = await rig.run(argv);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/1 tick\(s\) done/);
    const paid = rig.calls();
    expect(paid).toBeGreaterThan(0);
    // The first tick is the baseline: its notes are tracked, no alert.
    expect(jsonLines(first.stdout)).toEqual([]);
    const second = await rig.run(argv);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/0 tick\(s\) done/);
    expect(rig.calls()).toBe(paid);
    const store = openSqliteStore(db);
    try {
      const state = new SqlWatchState(store);
      const tasks = await state.tasks();
      expect(tasks.find((t) => t.kind === "discover")?.runs).toBe(1);
      expect((await state.trackedNotes("watch")).length).toBeGreaterThan(0);
      expect(await store.countRecords("notes")).toBeGreaterThan(0);
      expect((await state.spend(new Date().toISOString().slice(0, 10)))[0]?.calls).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe("xhs watch --sort/--type/--time", () => {
  it("apply to every --keyword of the watch", async () => {
    const rig = simRig({ seed: 1 });
    const db = freshDb();
    const args = ["--keyword", "露营", "--keyword", "美食推荐", "--sort", "most_liked", "--type", "video"];
    const result = await rig.run(["watch", ...args, "--time", "week", "--db", db, "--once"]);
    expect(result.code, result.stderr).toBe(0);
    const store = openSqliteStore(db);
    try {
      const targets = (await new SqlWatchState(store).tasks())
        .filter((t) => t.kind === "discover")
        .map((t) => t.target);
      expect(targets.sort()).toEqual(["keyword|美食推荐|most_liked|video|week", "keyword|露营|most_liked|video|week"]);
    } finally {
      await store.close();
    }
  });
});

describe("xhs watch, long-running", () => {
  it("stops cleanly on an interrupt while sleeping (exit 130), and a second scheduler on the database is refused meanwhile", async () => {
    const rig = simRig({ seed: 1 });
    const db = freshDb();
    const controller = new AbortController();
    const running = rig.run(["watch", "--keyword", "美食推荐", "--every", "1h", "--db", db], {
      signal: controller.signal,
    });
    // Wait for the first pass to be done (its line on stderr is not visible before the end: poll the state).
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(db)) continue;
      const store = openSqliteStore(db);
      const ran = (await new SqlWatchState(store).tasks()).some((t) => t.runs > 0);
      await store.close();
      if (ran) break;
    }
    const second = await rig.run(["watch", "--keyword", "美食推荐", "--every", "1h", "--db", db, "--once"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another xhs watch is already scheduling/);
    controller.abort();
    const result = await running;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/stopped/);
    // The lease is released: a new scheduler starts at once.
    const third = await rig.run(["watch", "--keyword", "美食推荐", "--every", "1h", "--db", db, "--once"]);
    expect(third.code, third.stderr).toBe(0);
  });
});

describe.skipIf(!hasPostgres())("xhs watch on Postgres", () => {
  it("--once writes its state to the shared database; a second scheduler is refused while one runs", async () => {
    const database = await freshPostgresDatabase("watch_cli");
    try {
      const rig = simRig({ seed: 1 });
      const argv = ["watch", "--keyword", "美食推荐", "--every", "1h", "--db", database.url];
      const once = await rig.run([...argv, "--once"]);
      expect(once.code, once.stderr).toBe(0);
      expect(once.stderr).toMatch(/1 tick\(s\) done/);
      const controller = new AbortController();
      const running = rig.run(argv, { signal: controller.signal });
      const store = await openPostgresStore(database.url);
      try {
        // Wait until the long-running one holds the lock (its first pass has nothing due: it sleeps).
        let refused: Awaited<ReturnType<typeof rig.run>> | null = null;
        for (let i = 0; i < 100 && !refused; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const second = await rig.run([...argv, "--once"]);
          if (second.code === 2) refused = second;
        }
        expect(refused?.stderr).toMatch(/another xhs watch is already scheduling/);
        expect((await new SqlWatchState(store).tasks()).find((t) => t.kind === "discover")?.runs).toBe(1);
      } finally {
        await store.close();
      }
      controller.abort();
      expect((await running).code).toBe(130);
    } finally {
      await database.drop();
    }
  }, 120_000);
});
