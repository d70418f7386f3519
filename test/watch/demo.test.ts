/** `xhs demo --watch`: a simulated day of monitoring, quickly, alerts on stdout, then `xhs trend` on its database. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WATCH_DEMO_PLAN } from "../../src/cli/commands/watch-demo.js";
import { loadWatchPlanFile } from "../../src/crawl/plan/load.js";
import { normalizeWatchPlan } from "../../src/crawl/plan/watch.js";
import type { Note } from "../../src/model/types.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { jsonLines, runCli } from "../cli/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "xhs-watch-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("xhs demo --watch", () => {
  it("runs a simulated day in well under a minute, fires alerts on stdout, writes a database xhs trend reads", async () => {
    const db = join(dir, "demo.db");
    const began = Date.now();
    const result = await runCli(["demo", "--watch", "--db", db]);
    const seconds = (Date.now() - began) / 1000;
    expect(result.code, result.stderr).toBe(0);
    expect(seconds).toBeLessThan(60);
    const alerts = jsonLines<{ id: string; kind: string; subject: string }>(result.stdout);
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
    expect(alerts.some((a) => a.kind === "new_note")).toBe(true);
    const hint = /xhs trend (\w+) --db/.exec(result.stderr);
    expect(hint, result.stderr).not.toBeNull();
    const trend = await runCli(["trend", hint?.[1] ?? "", "--db", db, "--json"]);
    expect(trend.code, trend.stderr).toBe(0);
    const points = (JSON.parse(trend.stdout) as { points: unknown[] }).points;
    expect(points.length).toBeGreaterThan(2);
    // The simulated day is named, and everything the demo stored falls in it: fetch times, and the publish
    // times of the notes the moving world created during it (no note dated after the day, none after its fetch).
    const day = /simulated day is the simulator world's own, (\d{4}-\d{2}-\d{2})/.exec(result.stderr);
    expect(day, result.stderr).not.toBeNull();
    const start = Date.parse(`${day?.[1]}T00:00:00Z`);
    const end = start + 24 * 3_600_000;
    const store = openSqliteStore(db, { readOnly: true });
    const notes: Note[] = [];
    try {
      for await (const note of store.iterateRecords("notes")) notes.push(note);
    } finally {
      await store.close();
    }
    expect(notes.length).toBeGreaterThan(0);
    const within = (iso: string | null) => iso !== null && Date.parse(iso) >= start && Date.parse(iso) <= end;
    expect(notes.filter((n) => !within(n.fetchedAt)).map((n) => n.fetchedAt)).toEqual([]);
    const created = notes.filter((n) => n.publishedAt !== null && Date.parse(n.publishedAt) >= start);
    expect(created.length).toBeGreaterThan(0);
    for (const n of created) {
      expect(within(n.publishedAt), n.publishedAt ?? "").toBe(true);
      expect(Date.parse(n.publishedAt!)).toBeLessThanOrEqual(Date.parse(n.fetchedAt));
    }
    // Again on its own database: emptied and run anew (same alerts: the same seed and the same start).
    const again = await runCli(["demo", "--watch", "--db", db]);
    expect(again.code, again.stderr).toBe(0);
  }, 180_000);

  it("examples/watch.yaml is the demo's plan", () => {
    const file = loadWatchPlanFile(join(import.meta.dirname, "../../examples/watch.yaml"));
    expect(file).toEqual(normalizeWatchPlan(WATCH_DEMO_PLAN, "demo"));
  });

  it("refuses a database it did not make", async () => {
    const other = join(dir, "other.db");
    writeFileSync(other, "not a database");
    const result = await runCli(["demo", "--watch", "--db", other]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a watch demo database/);
  });
});
