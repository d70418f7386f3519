/**
 * The dashboard end to end in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; .ci/run
 * installs it): on a database made by `xhs demo`, the runs page shows the run's numbers, the notes table filters,
 * a note shows its curve's points and its comment threads, the xlsx download opens in exceljs with the filter's
 * rows, and a crawl started from the page moves its progress live (server-sent events). No page makes a request
 * to any other host. Screenshots of each page go to reports/dashboard/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import ExcelJS from "exceljs";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { createDashboard, type Dashboard } from "../../src/dashboard/index.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { createSimulator } from "../../src/simulator/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "../cli/helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `test/dashboard: ${CHROMIUM} is missing, so the browser tests skip. Install it with \`apt-get install -y chromium\` (.ci/run does).`,
  );
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHOTS = path.join(ROOT, "reports", "dashboard");
const WRITE_TOKEN = "dashboard-e2e-token-0123456789";

let dir = "";
let assetsDir = "";
let store: SqliteStore;
let dashboard: Dashboard;
let server: RunningServer;
let browser: Browser;
let demoRunId = "";
let demoCalls = 0;
/** Calls the simulator may still answer now (the live-progress test holds the crawl with it). */
let allowance = Number.POSITIVE_INFINITY;
const waiting: (() => void)[] = [];
function allow(calls: number): void {
  allowance = calls;
  for (const wake of waiting.splice(0)) wake();
}
/** Every URL any page asked for. */
const requested: string[] = [];

async function openPage(width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, locale: "zh-CN" });
  const page = await context.newPage();
  page.on("request", (request) => requested.push(request.url()));
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)("the dashboard in Chromium", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "xhs-dashboard-e2e-"));
    mkdirSync(SHOTS, { recursive: true });
    assetsDir = path.join(dir, "web");
    const { build } = await import("vite");
    await build({
      configFile: path.join(ROOT, "web", "vite.config.ts"),
      build: { outDir: assetsDir, emptyOutDir: true },
      logLevel: "silent",
    });
    const db = path.join(dir, "demo.db");
    const demo = await runCli(["demo", "--db", db, "--faults", "healthy", "--json"], { cwd: dir });
    expect(demo.code, demo.stderr).toBe(0);
    const report = JSON.parse(demo.stdout) as { runId: string; calls: { calls: number } };
    demoRunId = report.runId;
    demoCalls = report.calls.calls;

    store = openSqliteStore(db);
    // Crawls started from the page go to the in-process simulator through a gate the test opens call by call,
    // so the page is seen before, during and after the crawl however loaded the machine is.
    const sim = createSimulator({ seed: 3, rateLimit: 0 });
    const slowFetch: typeof fetch = async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      while (allowance <= 0) await new Promise<void>((resolve) => waiting.push(resolve));
      allowance -= 1;
      return sim.fetch(input, init);
    };
    const client = createClient({ apiKey: "sk-e2e-key-0123456789", fetch: slowFetch, baseUrl: sim.url, qps: 0 });
    dashboard = createDashboard({ store, client, assetsDir, pollMs: 100 });
    server = await startServer({
      client,
      port: 0,
      rateLimit: false,
      mcp: false,
      dashboard: { app: dashboard.app, writeToken: WRITE_TOKEN },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 120_000);

  afterAll(async () => {
    allow(Number.POSITIVE_INFINITY); // a failed test must not leave the crawl held
    await browser?.close();
    await dashboard?.close();
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the first page's JavaScript under 200 KB gzipped", () => {
    const files = readdirSync(path.join(assetsDir, "assets")).filter((f) => f.endsWith(".js"));
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(assetsDir, "assets", f))).length, 0);
    expect(files.length).toBeGreaterThan(0);
    expect(gzipped).toBeLessThan(200 * 1024);
  });

  it("shows the demo run with its numbers, on a laptop and a phone", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/`);
    const row = page.locator('[data-testid="runs"] tbody tr', { hasText: demoRunId });
    await expect.poll(() => row.count()).toBe(1);
    expect(await text(row)).toContain("已完成");
    expect(await text(row.locator("td").nth(4))).toBe(String(demoCalls));
    await shot(page, "runs");
    await row.getByRole("link").first().click();
    await expect.poll(() => text(page.locator('[data-testid="run-calls"]'))).toContain(String(demoCalls));
    const jobs = await text(page.locator('[data-testid="jobs-finished"]'));
    expect(jobs).toMatch(/^(\d+) \/ \1$/);
    await shot(page, "run");
    await page.context().close();

    const phone = await openPage(390, 844);
    await phone.goto(`${server.url}/#/runs/${demoRunId}`);
    await expect.poll(() => text(phone.locator('[data-testid="run-calls"]'))).toContain(String(demoCalls));
    // Nothing wider than the screen: tables scroll inside their own box.
    // (A string: evaluated in the page, where `document` exists; this file is typed for Node.)
    expect(await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await shot(phone, "run-phone");
    await phone.goto(`${server.url}/#/notes`);
    await expect.poll(() => phone.locator('[data-testid="notes"] tbody tr').count()).toBe(20);
    expect(await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await shot(phone, "notes-phone");
    await phone.context().close();
  }, 60_000);

  it("filters and sorts the notes, opens one with its curve's points and comment threads, by keyboard too", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/`);
    // Keyboard: the nav links are links, reachable with Tab and opened with Enter.
    const notesLink = page.getByRole("link", { name: "笔记", exact: true });
    await notesLink.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain("#/notes");
    const rows = page.locator('[data-testid="notes"] tbody tr');
    await expect.poll(() => rows.count()).toBe(20);
    const all = await store.countRecords("notes");
    await expect.poll(() => text(page.locator(".pager"))).toContain(`共 ${all} 条`);

    await page.getByLabel("关键词").fill("露营");
    await page.getByLabel("排序").selectOption("comments");
    await page.getByRole("button", { name: "筛选" }).click();
    await expect.poll(() => page.url()).toContain("q=%E9%9C%B2%E8%90%A5");
    const filtered = (await fetchJson<{ total: number; notes: { id: string }[] }>(
      "/api/dashboard/notes?q=露营&sort=comments",
    )) as { total: number; notes: { id: string; stats: { comments: number } }[] };
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(all);
    await expect.poll(() => text(page.locator(".pager"))).toContain(`共 ${filtered.total} 条`);
    await shot(page, "notes");

    // The most commented note first: open it.
    const first = filtered.notes[0]!;
    await rows.first().getByRole("link").first().click();
    await expect.poll(() => page.url()).toContain(`#/notes/${first.id}`);
    const chart = page.locator(".chart-box[data-points]");
    await expect.poll(() => chart.count()).toBe(1);
    const points = Number(await chart.getAttribute("data-points"));
    expect(points).toBe((await store.noteObservations(first.id)).length);
    expect(points).toBeGreaterThan(0);
    expect(await chart.locator("canvas").count()).toBeGreaterThan(0);
    const threads = page.locator('[data-testid="threads"] > li');
    await expect.poll(() => threads.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="threads"] .replies > li').count()).toBeGreaterThan(0);
    const stored = await store.countComments(first.id);
    const shown = await page.locator('[data-testid="threads"] .comment').count();
    expect(shown).toBe(stored);
    await shot(page, "note");
    await page.context().close();
  }, 60_000);

  it("downloads the current filter as an xlsx that exceljs opens, one row per note", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/#/notes?q=${encodeURIComponent("露营")}&type=image`);
    const expected = await fetchJson<{ total: number }>("/api/dashboard/notes?q=露营&type=image");
    expect(expected.total).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Excel（xlsx）" }).click(),
    ]);
    const file = path.join(dir, "notes.xlsx");
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet("notes")!;
    expect(sheet.actualRowCount).toBe(expected.total + 1);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const typeColumn = header.indexOf("type") + 1;
    for (let r = 2; r <= sheet.actualRowCount; r += 1) expect(sheet.getRow(r).getCell(typeColumn).value).toBe("image");
    await page.context().close();
  }, 60_000);

  it("shows that watches are not configured on a database without them", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/#/watches`);
    await expect.poll(() => page.locator('[data-testid="watches-empty"]').count()).toBe(1);
    await shot(page, "watches");
    await page.goto(`${server.url}/#/users`);
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(await store.countRecords("users"));
    await page.locator("table tbody tr").first().getByRole("link").click();
    await expect.poll(() => page.locator(".chart-box[data-points]").count()).toBe(1);
    await shot(page, "user");
    await page.context().close();
  }, 60_000);

  it("after a login, starts a crawl from the page and shows its progress move live, then done", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/#/login`);
    await page.getByLabel("令牌").fill(WRITE_TOKEN);
    await page.getByRole("button", { name: "登录" }).click();
    await expect.poll(() => page.url()).toMatch(/#\/runs$/);
    await page.getByLabel("关键词").fill("露营");
    await page.getByLabel("笔记数").fill("5");
    await page.getByLabel("每篇评论数").fill("5");
    await page.getByLabel("调用上限（预算）").fill("400");
    allow(0);
    await page.getByRole("button", { name: "开始采集" }).click();
    await expect.poll(() => page.url()).toMatch(/#\/runs\/\d{8}-/);
    const finished = page.locator('[data-testid="jobs-finished"]');
    const status = page.locator('[data-testid="run-status"]');
    // Held before its first call: the page shows the run going, nothing finished.
    await expect.poll(() => text(status), { timeout: 20_000 }).toBe("进行中");
    const before = await text(finished);
    expect(before).toMatch(/^0 \/ \d+$/);
    // A few calls through: the page moves by itself (server-sent events) while the run still goes.
    allow(4);
    await expect.poll(() => text(finished), { timeout: 20_000 }).not.toBe(before);
    expect(await text(status)).toBe("进行中");
    await shot(page, "run-live");
    allow(Number.POSITIVE_INFINITY);
    await expect.poll(() => text(status), { timeout: 25_000 }).toBe("已完成");
    expect(await text(page.locator('[data-testid="run-calls"]'))).toContain("上限 400");
    await shot(page, "run-done");
    await page.context().close();
  }, 90_000);

  it("made no request to any other host", () => {
    expect(requested.length).toBeGreaterThan(10);
    const foreign = requested.filter((url) => !url.startsWith(server.url) && !url.startsWith("data:"));
    expect(foreign).toEqual([]);
  });
});

/** The element's text (textContent: what the DOM holds, whatever the layout). */
async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").trim();
}

async function fetchJson<T>(pathAndQuery: string): Promise<T> {
  const response = await fetch(`${server.url}${pathAndQuery}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}
