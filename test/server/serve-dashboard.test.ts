/**
 * `xhs serve --db` wires the dashboard (issue #16): the database's records answer at /api/dashboard, the write
 * token made at start is printed and works, and without --db there is no dashboard; a bad --db is exit 2.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { makeNote, memorySink } from "../cli/helpers.js";

const KEY = "sk-serve-dashboard-0123456789";
let dir = "";
let db = "";

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-serve-dash-"));
  db = path.join(dir, "x.db");
  const store = openSqliteStore(db);
  await store.upsertNotes([makeNote("65f0a1b2000000001203abcd", { title: "露营清单" })]);
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Calls the served client made upstream (to TikHub): none may leave a read-only server. */
const upstream: string[] = [];
const countingFetch: typeof fetch = async (input) => {
  upstream.push(String(input));
  return new Response(JSON.stringify({ code: 401, message: "no" }), { status: 401 });
};

async function serving(args: string[], env: Record<string, string> = { TIKHUB_API_KEY: KEY }) {
  const stdout = memorySink();
  const stderr = memorySink();
  const controller = new AbortController();
  const exit = main(["serve", "--port", "0", "--no-mcp", ...args], {
    stdout,
    stderr,
    env,
    fetch: countingFetch,
    signal: controller.signal,
    cwd: dir,
  });
  for (let i = 0; i < 200 && !stdout.text().includes("http://"); i += 1) {
    if (stderr.text().includes("error") || stderr.text().includes("TIKHUB_API_KEY is not set:")) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const url = stdout.text().trim().split("\n")[0] ?? "";
  return {
    url,
    stderr,
    stop: async () => {
      controller.abort();
      return exit;
    },
    exit,
  };
}

describe("xhs serve --db", () => {
  it("serves the database's dashboard and prints the write token it made, which opens writes", async () => {
    const server = await serving(["--db", "x.db"]);
    try {
      const overview = (await (await fetch(`${server.url}/api/dashboard/overview`)).json()) as { notes: number };
      expect(overview.notes).toBe(1);
      const notes = (await (await fetch(`${server.url}/api/dashboard/notes?q=露营`)).json()) as { total: number };
      expect(notes.total).toBe(1);
      const token = /typed once on the page: ([0-9a-f]{48})/.exec(server.stderr.text())?.[1];
      expect(token).toBeDefined();
      const refused = await fetch(`${server.url}/api/dashboard/runs/x/pause`, { method: "POST" });
      expect(refused.status).toBe(401);
      const allowed = await fetch(`${server.url}/api/dashboard/runs/x/pause`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(allowed.status).toBe(404); // past the guard: no such run in this database
      expect(server.stderr.text()).not.toContain(KEY);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("has no dashboard without --db, and refuses a bad --db with exit 2", async () => {
    const server = await serving([]);
    try {
      expect((await fetch(`${server.url}/api/dashboard/overview`)).status).toBe(404);
    } finally {
      await server.stop();
    }
    const bad = await serving(["--db", "mysql://nope/x"]);
    expect(await bad.exit).toBe(2);
  });

  it("without a key serves the database read-only: the dashboard reads, start and resume answer 'no key: read-only', no upstream call", async () => {
    const TOKEN = "serve-read-only-token-0123456789";
    const server = await serving(["--db", "x.db"], { XHS_SERVER_TOKEN: TOKEN });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.stderr.text()).toMatch(/read-only: TIKHUB_API_KEY is not set/);
      // (The server token is set so the writes get past the login to the route; reads need it then too.)
      const auth = { "content-type": "application/json", authorization: `Bearer ${TOKEN}` };
      const read = async <T>(p: string) => (await (await fetch(`${server.url}${p}`, { headers: auth })).json()) as T;
      expect((await read<{ total: number }>("/api/dashboard/notes?q=露营")).total).toBe(1);
      expect((await read<{ canControl: boolean }>("/api/dashboard/runs")).canControl).toBe(false);
      const start = await fetch(`${server.url}/api/dashboard/runs`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ keyword: "露营", maxCalls: 5 }),
      });
      expect(start.status).toBe(409);
      expect(((await start.json()) as { detail: string }).detail).toMatch(/^no key: read-only/);
      const resume = await fetch(`${server.url}/api/dashboard/runs/r1/resume`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ maxCalls: 5 }),
      });
      expect(resume.status).toBe(409);
      // The JSON API is refused before any call (nothing goes to TikHub with a placeholder key).
      const api = await fetch(`${server.url}/v1/notes/65f0a1b2000000001203abcd`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(api.status).toBe(503);
      const body = (await api.json()) as { type: string; title: string };
      expect(body).toMatchObject({
        type: "urn:xhs-kit:problem:upstream-credentials",
        title: "No TikHub key: read-only",
      });
      expect(upstream).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // Without a database there is nothing to serve without a key: exit 3 as before.
    const none = await serving([], {});
    expect(await none.exit).toBe(3);
    expect(none.stderr.text()).toMatch(/TIKHUB_API_KEY is not set/);
  });
});
