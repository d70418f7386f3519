/**
 * The dashboard behind the server's rules (issue #16): with a token, every page and API answers 401 without it
 * (the page a login form); a write needs the token even on loopback, from a session only with the CSRF header and
 * this origin; a foreign Origin is refused. No browser: requests through the app's fetch.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDashboard } from "../../src/dashboard/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { rig } from "./helpers.js";

const TOKEN = "server-token-0123456789abcdef";
const WRITE_TOKEN = "write-token-0123456789abcdef";

let dir = "";
let store: SqliteStore;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "xhs-dash-sec-"));
  const assets = path.join(dir, "web");
  mkdirSync(path.join(assets, "assets"), { recursive: true });
  writeFileSync(path.join(assets, "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(path.join(assets, "assets", "app.js"), "console.log(1)");
  store = openSqliteStore(path.join(dir, "x.db"));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function serverWith(token: string | undefined) {
  const r = rig({ app: {} });
  const dashboard = createDashboard({ store, client: r.runtime.client, assetsDir: path.join(dir, "web") });
  const app = rig({
    app: { ...(token ? { token } : {}), dashboard: { app: dashboard.app, writeToken: token ?? WRITE_TOKEN } },
  }).app;
  const send = (p: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    app.request(`http://127.0.0.1:8787${p}`, init);
  return { send };
}

async function logIn(send: ReturnType<typeof serverWith>["send"], token: string) {
  const response = await send("/api/dashboard/session", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://127.0.0.1:8787" },
    body: JSON.stringify({ token }),
  });
  expect(response.status).toBe(200);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  expect(response.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/);
  const { csrf } = (await response.json()) as { csrf: string };
  return { cookie, csrf };
}

const START = JSON.stringify({ keyword: "露营", maxCalls: 0 }); // refused by the route's own check: nothing starts

describe("with a server token (a non-loopback bind)", () => {
  it("answers 401 to every page and API without it, the page being a login form", async () => {
    const { send } = serverWith(TOKEN);
    for (const p of ["/", "/assets/app.js", "/api/dashboard/runs", "/api/dashboard/notes", "/api/dashboard/watches"]) {
      expect((await send(p)).status, p).toBe(401);
    }
    const page = await send("/");
    expect(await page.text()).toContain('action="/api/dashboard/session"');
    expect((await send("/v1/notes/abc")).status).toBe(401);
    // The dashboard's problem has a Chinese title (its pages show it); the JSON API keeps its English one.
    type Problem = { type: string; title: string; status: number; detail: string };
    const dash = (await (await send("/api/dashboard/runs")).json()) as Problem;
    const api = (await (await send("/v1/notes/abc")).json()) as Problem;
    expect(dash).toMatchObject({ title: "未登录", status: 401, type: api.type });
    expect(dash.detail).toMatch(/登录/);
    expect(api.title).toBe("Unauthorized");
  });

  it("opens pages and reads with the session cookie after a login with the token, not with a wrong one", async () => {
    const { send } = serverWith(TOKEN);
    const wrong = await send("/api/dashboard/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "nope" }),
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { title: string }).title).toBe("令牌不正确");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const { cookie } = await logIn(send, TOKEN);
    expect((await send("/", { headers: { cookie } })).status).toBe(200);
    expect((await send("/api/dashboard/runs", { headers: { cookie } })).status).toBe(200);
    // The cookie opens the dashboard only: the paid API keeps the Bearer token.
    expect((await send("/v1/notes/abc", { headers: { cookie } })).status).toBe(401);
    expect((await send("/api/dashboard/runs", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("logs in by the plain form too (no script needed), and refuses a login posted from another origin", async () => {
    const { send } = serverWith(TOKEN);
    const form = await send("/api/dashboard/session", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://127.0.0.1:8787" },
      body: `token=${TOKEN}`,
    });
    expect(form.status).toBe(303);
    expect(form.headers.get("set-cookie")).toContain("xhs_dashboard=");
    const foreign = await send("/api/dashboard/session", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(foreign.status).toBe(403);
  });
});

describe("on loopback without a server token", () => {
  it("reads freely but refuses a write without the write token", async () => {
    const { send } = serverWith(undefined);
    expect((await send("/api/dashboard/runs")).status).toBe(200);
    const write = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://127.0.0.1:8787" },
      body: START,
    });
    expect(write.status).toBe(401);
    expect(((await write.json()) as { title: string }).title).toBe("未登录");
    const pause = await send("/api/dashboard/runs/r1/pause", { method: "POST" });
    expect(pause.status).toBe(401);
  });

  it("refuses a session's write without the CSRF header, from another origin, or with a wrong CSRF token", async () => {
    const { send } = serverWith(undefined);
    const { cookie, csrf } = await logIn(send, WRITE_TOKEN);
    const base = { "content-type": "application/json", cookie };
    const noCsrf = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { ...base, origin: "http://127.0.0.1:8787" },
      body: START,
    });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { title: string }).title).toBe("拒绝跨站请求");
    const wrongCsrf = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { ...base, origin: "http://127.0.0.1:8787", "x-xhs-csrf": `${csrf}x` },
      body: START,
    });
    expect(wrongCsrf.status).toBe(403);
    const foreign = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { ...base, origin: "https://evil.example", "x-xhs-csrf": csrf },
      body: START,
    });
    expect(foreign.status).toBe(403);
    // Another loopback page (a different port) is another origin: refused too.
    const otherPort = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { ...base, origin: "http://127.0.0.1:3000", "x-xhs-csrf": csrf },
      body: START,
    });
    expect(otherPort.status).toBe(403);
    // All three pass the guards: the route itself answers (its own check refuses maxCalls 0, nothing starts).
    const ok = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { ...base, origin: "http://127.0.0.1:8787", "x-xhs-csrf": csrf },
      body: START,
    });
    expect(ok.status).toBe(400);
    expect(((await ok.json()) as { detail: string }).detail).toContain("maxCalls");
    const bearer = await send("/api/dashboard/runs", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WRITE_TOKEN}` },
      body: START,
    });
    expect(bearer.status).toBe(400);
  });

  it("refuses reads from a foreign Origin and from another site's page (Fetch Metadata)", async () => {
    const { send } = serverWith(undefined);
    expect((await send("/api/dashboard/notes", { headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await send("/api/dashboard/notes", { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    const foreign = await send("/", { headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { title: string }).title).toBe("拒绝跨站请求");
    // Opened by a hostname that is not localhost (no token): the DNS rebinding guard, in Chinese on the dashboard.
    const { app } = rig({ app: { dashboard: { app: createDashboard({ store }).app, writeToken: WRITE_TOKEN } } });
    const rebound = await app.request("http://myhost.lan:8787/api/dashboard/runs");
    expect(rebound.status).toBe(403);
    expect(((await rebound.json()) as { title: string }).title).toBe("主机名不被允许");
    const api = await app.request("http://myhost.lan:8787/v1/notes/abc");
    expect(((await api.json()) as { title: string }).title).toBe("Host not allowed");
  });

  it("answers a bad note filter with a clear 400 naming the parameter", async () => {
    const { send } = serverWith(undefined);
    const response = await send("/api/dashboard/notes?sort=views&from=2026-13-01");
    expect(response.status).toBe(400);
    const { detail } = (await response.json()) as { detail: string };
    expect(detail).toContain("sort");
    expect(detail).toContain("from");
  });
});
