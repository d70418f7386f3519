/**
 * The dashboard end to end in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; .ci/run
 * installs it): on a database made by `xhs demo`, the runs page shows the run's numbers, the notes table filters,
 * a note shows its curve's points and its comment threads, the xlsx download opens in exceljs with the filter's
 * rows, and a crawl started from the page moves its progress live (server-sent events). No page makes a request
 * to any other host. Every page is usable by keyboard (filters, sort headers with Enter and Space, pager, rows, the
 * run's start, pause and resume), shows times in the browser's zone with the UTC value in its title, and does not
 * shift its layout once its data is in (CLS < 0.1, at 1366×768 and 390×844). A run another process crawled (its
 * own store handle, its own budget) shows what it spent against its stored budget and the breakers and keys each
 * crawling process wrote, by writer, a silent one marked 过时. Screenshots of each page go to reports/dashboard/
 * (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import ExcelJS from "exceljs";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { runCrawl } from "../../src/crawl/engine.js";
import { normalizePlan } from "../../src/crawl/plan/normalize.js";
import { createDashboard, type Dashboard } from "../../src/dashboard/index.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { createSimulator } from "../../src/simulator/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { taskKey } from "../../src/watch/schedule.js";
import { SqlWatchState } from "../../src/watch/sql-state.js";
import type { TaskState } from "../../src/watch/state.js";
import { usd } from "../../web/src/format.js";
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
/** A run crawled by another store handle on the same file (as another process would), with a budget. */
let otherRunId = "";
/** A second process working that run (an `xhs worker`), alive: it wrote its health just now. */
const LIVE_WRITER = "worker-b:4242:5ca1ab1e";
/** Calls the simulator may still answer now (the live-progress test holds the crawl with it). */
let allowance = Number.POSITIVE_INFINITY;
const waiting: (() => void)[] = [];
function allow(calls: number): void {
  allowance = calls;
  for (const wake of waiting.splice(0)) wake();
}
/** Every URL any page asked for. */
const requested: string[] = [];

const LAPTOP = { width: 1366, height: 768 };
/** The zone pages opened without one show times in: this machine's. */
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const PHONE = { width: 390, height: 844 };

/**
 * Sums the page's layout shifts from its start (buffered), as Cumulative Layout Shift counts them: shifts right
 * after the user's input are left out. Runs before any of the page's scripts.
 */
const CLS_OBSERVER = `
  window.__cls = 0;
  window.__shifted = [];
  const describe = (node) =>
    node && node.nodeType === 1 ? node.tagName.toLowerCase() + (node.className ? "." + node.className : "") : String(node?.nodeName);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      window.__cls += entry.value;
      window.__shifted.push(entry.value.toFixed(4) + " " + entry.sources.map((s) => describe(s.node)).join(","));
    }
  }).observe({ type: "layout-shift", buffered: true });
`;

async function openPage(width = 1280, height = 900, timezoneId?: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height },
    acceptDownloads: true,
    locale: "zh-CN",
    ...(timezoneId ? { timezoneId } : {}),
  });
  await context.addInitScript(CLS_OBSERVER);
  context.on("request", (request) => requested.push(request.url()));
  return context.newPage();
}

/** The page's layout shift so far, read after two frames (so a shift the last render caused is counted), and what moved. */
async function cls(page: Page): Promise<{ value: number; shifted: string[] }> {
  return page.evaluate(
    "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done({ value: window.__cls, shifted: window.__shifted }))))",
  );
}

/** Presses Tab until `target` has the focus (at most `max` presses); how many it took. */
async function tabTo(target: Locator, max = 60): Promise<number> {
  for (let presses = 1; presses <= max; presses += 1) {
    await target.page().keyboard.press("Tab");
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return presses;
  }
  throw new Error(`Tab did not reach ${target} in ${max} presses`);
}

/** The focused element's outline, as drawn: keyboard focus must be visible. */
async function focusOutline(page: Page): Promise<{ style: string; width: number }> {
  return page.evaluate(
    "(() => { const s = getComputedStyle(document.activeElement); return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) }; })()",
  );
}

/**
 * Every <time> on the page with its date (YYYY-MM-DD) and its clock time each on one line (it may break between
 * them): the texts of those that do not.
 * (Strings: evaluated in the page, where `document` exists; this file is typed for Node.)
 */
const TIMES_WHOLE = `(() => {
  const times = [...document.querySelectorAll("time")];
  const lines = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const broken = times.filter((t) => {
    const walker = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Each space-free piece (the date, the clock time) on one line.
      let at = 0;
      for (const piece of node.textContent.split(" ")) {
        if (piece && lines(node, at, at + piece.length) > 1) return true;
        at += piece.length + 1;
      }
    }
    return false;
  }).map((t) => t.textContent);
  return { times: times.length, broken };
})()`;

/** Each error kind of the run health table on one line: the cells' texts where one is not. */
const ERRORS_WHOLE = `(() => {
  const cells = [...document.querySelectorAll("section[aria-labelledby='health-title'] td.errors")];
  // One line: every fragment at one height (Chromium gives a rect per text node, not per line).
  const lines = (el) => new Set([...el.getClientRects()].map((r) => Math.round(r.top))).size;
  const broken = cells.filter((td) => [...td.children].some((kind) => lines(kind) > 1)).map((td) => td.textContent);
  return { cells: cells.length, broken };
})()`;

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

    // Another process's crawl, ten minutes ago by its clock (so its health is stale now, as a finished process's
    // is): its own handle on the file, its own simulator and client, a budget it stops at.
    const other = openSqliteStore(db);
    try {
      const otherSim = createSimulator({ seed: 3, rateLimit: 0 });
      const otherClient = createClient({
        apiKey: "sk-e2e-other-0123456789",
        fetch: (input, init) => otherSim.fetch(input, init),
        baseUrl: otherSim.url,
        qps: 0,
      });
      const plan = normalizePlan(
        { name: "other-process", seeds: { keywords: [{ keyword: "露营", limit: 20 }] }, expand: { details: true } },
        "e2e",
      );
      const crawled = await runCrawl(
        { client: otherClient, store: other, queue: other, clock: { now: () => Date.now() - 600_000 } },
        { plan, fresh: true, budget: { maxCalls: 6, maxCostUsd: 1 } },
      );
      otherRunId = crawled.runId;
      // A live worker on the same run wrote just now: its web_v3 breaker open for 30 s, a key of its pool out.
      const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
      await other.saveRunHealth({
        runId: otherRunId,
        writer: LIVE_WRITER,
        writtenAt: ago(0),
        health: {
          series: { web_v3: { state: "open", capabilities: { note: "open" }, openedAt: ago(30_000), closedAt: null } },
          keys: { fp0e2e09: { state: "out", reason: "payment", outSince: ago(20_000), calls: 4, failed: 1 } },
        },
      });
    } finally {
      await other.close();
    }

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

    // The run another process crawled: its stored budget with what it spent, each series' breakers by writer.
    const spent = await store.ledgerTotals({ runId: otherRunId });
    const [crawler] = (await store.runHealth(otherRunId)).filter((h) => h.writer !== LIVE_WRITER);
    expect(crawler).toBeDefined();
    await page.goto(`${server.url}/#/runs/${otherRunId}`);
    const budgetCalls = page.locator('[data-testid="budget-calls"]');
    await expect.poll(() => text(budgetCalls)).toBe(`预算内 ${spent.calls} / 上限 6`);
    expect(spent.calls).toBeGreaterThan(0);
    // It stopped at its budget (the calls already in flight then still count: the page shows them all).
    expect(await text(page.locator('[data-testid="stop-reason"]'))).toMatch(/^停止原因：达到预算/);
    expect(await text(page.locator('[data-testid="budget-cost"]'))).toBe(`预算内 ${usd(spent.costUsd)} / 上限 $1.0000`);
    expect(await text(page.locator('[data-testid="budget-note"]'))).toMatch(
      /^预算设于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}，计入之后所有进程的调用与花费。$/,
    );
    expect(await text(page.locator("#main"))).not.toContain("命令行运行的预算");
    const cellsOf = (row: Locator) => row.locator("td").allTextContents();
    const healthRow = (series: string) =>
      page.locator('section[aria-labelledby="health-title"] tbody tr').filter({
        has: page.locator("td:first-child", { hasText: new RegExp(`^${series}$`) }),
      });
    // The series the finished crawl wrote: its breakers, by its writer, stale now; web_v3 from the live worker.
    const wrote = Object.keys((crawler!.health as { series: Record<string, unknown> }).series).filter(
      (name) => name !== "web_v3",
    );
    expect(wrote.length).toBeGreaterThan(0);
    for (const series of wrote) {
      const [, , , , , state, , writer] = await cellsOf(healthRow(series));
      expect(state).toBe("正常");
      expect(writer).toBe(`${crawler!.writer}过时`);
    }
    const [, , , , , webState, webSince, webWriter] = await cellsOf(healthRow("web_v3"));
    expect(webState).toBe("熔断（笔记详情：熔断）");
    expect(webSince).toMatch(/^自 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(webWriter).toBe(LIVE_WRITER);
    const keyRow = page.locator('[data-testid="run-keys"] tbody tr', { hasText: "fp0e2e09" });
    const [, keyState, , , keyWriter] = await cellsOf(keyRow);
    expect(keyState).toMatch(/^停用（余额不足，自 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/);
    expect(keyWriter).toBe(LIVE_WRITER);
    await shot(page, "run-other-process");
    await page.context().close();

    const phone = await openPage(390, 844);
    await phone.goto(`${server.url}/#/runs/${demoRunId}`);
    await expect.poll(() => text(phone.locator('[data-testid="run-calls"]'))).toContain(String(demoCalls));
    // Nothing wider than the screen: tables scroll inside their own box.
    // (A string: evaluated in the page, where `document` exists; this file is typed for Node.)
    expect(await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    // At 390 px a date never breaks inside itself (at most between the day and the clock time), and each error
    // kind of the health table stays whole ("限流 ×2", not a character a line).
    expect(await phone.evaluate(TIMES_WHOLE)).toEqual({ times: expect.any(Number), broken: [] });
    expect(await phone.evaluate(ERRORS_WHOLE)).toEqual({ cells: expect.any(Number), broken: [] });
    expect(await phone.locator("section[aria-labelledby='health-title'] td.errors").count()).toBeGreaterThan(0);
    await shot(phone, "run-phone");
    await phone.goto(`${server.url}/#/runs`);
    await expect.poll(() => phone.locator('[data-testid="runs"] tbody tr').count()).toBeGreaterThan(1);
    const runsTimes = (await phone.evaluate(TIMES_WHOLE)) as { times: number; broken: string[] };
    expect(runsTimes.times).toBeGreaterThan(1);
    expect(runsTimes.broken).toEqual([]);
    await shot(phone, "runs-phone");
    await phone.goto(`${server.url}/#/notes`);
    await expect.poll(() => phone.locator('[data-testid="notes"] tbody tr').count()).toBe(20);
    expect(await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    // Each row is a card on a phone: its title gets the card's whole width, not a squeezed column.
    const titleCell = await phone.locator('[data-testid="notes"] tbody tr td').first().boundingBox();
    expect(titleCell?.width ?? 0).toBeGreaterThan(PHONE.width * 0.8);
    await shot(phone, "notes-phone");
    // The chart fits the phone: its canvas (axes included) inside its box, which is inside the screen.
    const noteId = (await fetchJson<{ notes: { id: string }[] }>("/api/dashboard/notes?sort=likes")).notes[0]!.id;
    await phone.goto(`${server.url}/#/notes/${noteId}`);
    const canvas = phone.locator(".chart-box canvas").first();
    await expect.poll(() => canvas.count()).toBe(1);
    const boxRight = (await phone.locator(".chart-box").boundingBox())!;
    const canvasBox = (await canvas.boundingBox())!;
    expect(canvasBox.x + canvasBox.width).toBeLessThanOrEqual(boxRight.x + boxRight.width + 0.5);
    expect(boxRight.x + boxRight.width).toBeLessThanOrEqual(PHONE.width);
    expect(await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await shot(phone, "note-phone");
    await phone.locator("figure.chart").screenshot({ path: path.join(SHOTS, "chart-phone.png") });
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
    await page.locator("figure.chart").screenshot({ path: path.join(SHOTS, "chart.png") });
    await page.context().close();
  }, 60_000);

  it("works by keyboard: filters, sort headers (Enter and Space, aria-sort), pager, rows, with a visible focus", async () => {
    const page = await openPage(LAPTOP.width, LAPTOP.height);
    await page.goto(`${server.url}/#/notes`);
    const rows = page.locator('[data-testid="notes"] tbody tr');
    await expect.poll(() => rows.count()).toBe(20);

    // The skip link (the first stop, before the header's links) moves the focus to the content; the route stays.
    await page.locator("a.brand").focus();
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("跳到正文");
    await page.keyboard.press("Enter");
    expect(await page.evaluate("document.activeElement?.id")).toBe("main");
    expect(page.url()).toMatch(/#\/notes$/);
    // Tab from there reaches the filters, then the sort headers, the rows' links and the pager.
    await tabTo(page.locator('input[name="q"]').first());
    expect(await focusOutline(page)).toMatchObject({ style: "solid" });
    expect((await focusOutline(page)).width).toBeGreaterThanOrEqual(2);
    await page.keyboard.type("露营");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain("q=%E9%9C%B2%E8%90%A5");
    const filtered = await fetchJson<{ total: number }>("/api/dashboard/notes?q=露营");
    await expect.poll(() => text(page.locator(".pager"))).toContain(`共 ${filtered.total} 条`);

    await page.goto(`${server.url}/#/notes`);
    await expect.poll(() => text(page.locator(".pager"))).toContain("第 1 /");
    await page.locator("#main").focus();
    const header = page.locator("th", { hasText: "评论" });
    expect(await header.getAttribute("aria-sort")).toBeNull();
    await tabTo(page.locator('th button.sort:has-text("评论")').first());
    expect((await focusOutline(page)).style).toBe("solid");
    await page.keyboard.press("Enter");
    await expect.poll(() => header.getAttribute("aria-sort")).toBe("descending");
    expect(page.url()).toContain("sort=comments");
    const byComments = await fetchJson<{ notes: { id: string }[] }>("/api/dashboard/notes?sort=comments&order=desc");
    await expect
      .poll(() => rows.first().locator("a").first().getAttribute("href"))
      .toBe(`#/notes/${byComments.notes[0]!.id}`);
    // The button keeps the focus: Space sorts the other way.
    await page.keyboard.press("Space");
    await expect.poll(() => header.getAttribute("aria-sort")).toBe("ascending");
    const ascending = await fetchJson<{ notes: { id: string }[] }>("/api/dashboard/notes?sort=comments&order=asc");
    await expect
      .poll(() => rows.first().locator("a").first().getAttribute("href"))
      .toBe(`#/notes/${ascending.notes[0]!.id}`);
    expect(await page.locator("th", { hasText: "点赞" }).getAttribute("aria-sort")).toBeNull();
    // The filter form says the same as the headers (its selects start from the address, not their first option).
    expect(await page.locator('select[name="sort"]').inputValue()).toBe("comments");
    expect(await page.locator('select[name="order"]').inputValue()).toBe("asc");
    // The publication time sorts from its header too (newest first).
    await page.locator("#main").focus();
    await tabTo(page.locator('th button.sort:has-text("发布时间")').first());
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("th", { hasText: "发布时间" }).getAttribute("aria-sort")).toBe("descending");
    const newest = await fetchJson<{ notes: { id: string }[] }>("/api/dashboard/notes?sort=published&order=desc");
    await expect
      .poll(() => rows.first().locator("a").first().getAttribute("href"))
      .toBe(`#/notes/${newest.notes[0]!.id}`);

    // The pager: Tab reaches 下一页, Enter turns the page.
    await tabTo(page.locator('.pager a:has-text("下一页")').first());
    expect((await focusOutline(page)).style).toBe("solid");
    await page.keyboard.press("Enter");
    await expect.poll(() => text(page.locator(".pager"))).toContain("第 2 /");
    expect(page.url()).toContain("page=2");

    // A row: Tab (from the top of the page) reaches its title link, Enter opens the note.
    await page.locator("#main").focus();
    const firstLink = await rows.first().locator("a").first().getAttribute("href");
    await tabTo(page.locator(`tbody tr:first-child td:first-child a`).first());
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain(firstLink!);
    await expect.poll(() => page.locator(".chart-box[data-points]").count()).toBe(1);
    await page.context().close();
  }, 60_000);

  it("says 超过 N 条 and keeps a next page when the server's count is bounded (a text search's totalExact: false)", async () => {
    const page = await openPage(LAPTOP.width, LAPTOP.height);
    // The demo has far fewer than 10,000 matches: the answer is the server's, with its count marked as a bound.
    await page.route("**/api/dashboard/notes?*", async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { total: number; totalExact: boolean };
      await route.fulfill({ response, json: { ...body, total: 20, totalExact: false } });
    });
    await page.goto(`${server.url}/#/notes?q=${encodeURIComponent("分享")}`);
    const pager = page.locator(".pager");
    await expect.poll(() => text(pager)).toContain("第 1 页，超过 20 条");
    await page.goto(`${server.url}/#/notes?page=2`);
    await expect.poll(() => text(pager)).toContain("第 2 页，超过 20 条");
    // Page 2 of 63 notes is full (20 rows): a next page may follow.
    expect(await pager.getByRole("link", { name: "下一页" }).count()).toBe(1);
    await page.goto(`${server.url}/#/notes?page=4`);
    await expect.poll(() => text(pager)).toContain("第 4 页");
    expect(await pager.getByRole("link", { name: "下一页" }).count()).toBe(0);
    await page.context().close();
  }, 30_000);

  it("shows times in the browser's time zone, names the zone, and keeps the UTC value in the title", async () => {
    const zone = "America/New_York";
    const page = await openPage(LAPTOP.width, LAPTOP.height, zone);
    await page.goto(`${server.url}/`);
    const row = page.locator('[data-testid="runs"] tbody tr', { hasText: demoRunId });
    await expect.poll(() => row.count()).toBe(1);
    const runs = await fetchJson<{ runs: { id: string; createdAt: string }[] }>("/api/dashboard/runs");
    const createdAt = runs.runs.find((r) => r.id === demoRunId)!.createdAt;
    const shown = row.locator("time");
    expect(await shown.getAttribute("title")).toBe(new Date(createdAt).toISOString());
    expect(await shown.getAttribute("datetime")).toBe(new Date(createdAt).toISOString());
    expect(await text(shown)).toBe(localTime(createdAt, zone));
    const offset = utcOffsetIn(zone, Date.now());
    expect(offset).not.toBe("UTC+0"); // the check means something only away from UTC
    expect(await text(page.locator('[data-testid="zone"]'))).toBe(`时间为本机时区 ${zone}（${offset}）`);
    await page.context().close();
  }, 30_000);

  it("downloads the current filter as an xlsx that exceljs opens, one row per note", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/#/notes?q=${encodeURIComponent("露营")}&type=image`);
    const expected = await fetchJson<{ total: number }>("/api/dashboard/notes?q=露营&type=image");
    await expect.poll(() => page.locator('select[name="type"]').inputValue()).toBe("image");
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

  it("shows that watches are not configured, then what is watched in words, with links", async () => {
    const page = await openPage();
    await page.goto(`${server.url}/#/watches`);
    await expect.poll(() => page.locator('[data-testid="watches-empty"]').count()).toBe(1);
    await shot(page, "watches-empty");

    // A watch as `xhs watch` stores it: a keyword discovery that found a note (alert), the note's refresh, a user.
    const note = (await fetchJson<{ notes: { id: string; title: string }[] }>("/api/dashboard/notes?sort=likes"))
      .notes[0]!;
    const user = (await fetchJson<{ users: { id: string }[] }>("/api/dashboard/users")).users[0]!;
    const now = Date.parse("2026-12-01T08:00:00.000Z");
    const task = (kind: TaskState["kind"], target: string, runs: number): TaskState => ({
      key: taskKey(kind, "camping", target),
      watch: "camping",
      kind,
      target,
      runs,
      lastRunAt: runs > 0 ? now : null,
      nextDueAt: now + 3_600_000,
    });
    const discover = task("discover", "keyword|露营|latest|all|week", 1);
    await new SqlWatchState(store).commitTick({
      tickId: `${discover.key}@${now}`,
      task: discover,
      track: [{ watch: "camping", noteId: note.id, firstSeenAt: now }],
      newTasks: [task("refresh_note", note.id, 0), task("refresh_user", user.id, 0)],
      spend: null,
      alerts: [
        {
          id: "e2e-alert-1",
          watch: "camping",
          kind: "new_note",
          subject: note.id,
          raisedAt: now,
          detail: { noteId: note.id, title: note.title },
        },
      ],
      targets: [],
    });
    await page.reload();
    const tasks = page.locator('[data-testid="watch-tasks"] tbody tr');
    await expect.poll(() => tasks.count()).toBe(3);
    const targets = await page.locator('[data-testid="watch-tasks"] tbody tr td:nth-child(3)').allTextContents();
    // No internal key is shown: the targets read as words.
    for (const t of targets) expect(t).not.toContain("|");
    expect(targets).toContain("关键词「露营」（最新，全部类型，一周内）");
    expect(targets).toContain(`笔记 ${note.title}`);
    expect(targets).toContain(`用户 ${user.id}`);
    const noteLink = page.locator('[data-testid="watch-tasks"]').getByRole("link", { name: note.title });
    expect(await noteLink.getAttribute("href")).toBe(`#/notes/${note.id}`);
    expect(await page.getByRole("link", { name: "露营", exact: true }).getAttribute("href")).toBe(
      `#/notes?q=${encodeURIComponent("露营")}`,
    );
    expect(await page.getByRole("link", { name: user.id }).getAttribute("href")).toBe(`#/users/${user.id}`);
    const alert = page.locator('[data-testid="watch-alerts"] li');
    expect(await text(alert)).toContain(`新笔记：笔记 ${note.title}`);
    expect(await alert.locator("time").getAttribute("title")).toBe(new Date(now).toISOString());
    await shot(page, "watches");

    await page.goto(`${server.url}/#/users`);
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(await store.countRecords("users"));
    await page.locator("table tbody tr").first().getByRole("link").click();
    await expect.poll(() => page.locator(".chart-box[data-points]").count()).toBe(1);
    await shot(page, "user");
    await page.context().close();
  }, 60_000);

  it("does not shift its layout once a page's data is in (CLS < 0.1), on a laptop and a phone", async () => {
    const note = (await fetchJson<{ notes: { id: string }[] }>("/api/dashboard/notes?sort=comments")).notes[0]!;
    const user = (await fetchJson<{ users: { id: string }[] }>("/api/dashboard/users")).users[0]!;
    const has = (selector: string) => async (page: Page) =>
      expect.poll(() => page.locator(selector).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const pages: [string, string, (page: Page) => Promise<unknown>][] = [
      ["runs", "#/runs", has('[data-testid="runs"] tbody tr')],
      ["run", `#/runs/${demoRunId}`, has("#health-title")],
      ["notes", "#/notes", has('.pager a:has-text("下一页")')],
      ["note", `#/notes/${note.id}`, has(".chart-box canvas")],
      ["users", "#/users", has('[data-testid="users"] tbody tr')],
      ["user", `#/users/${user.id}`, has(".chart-box canvas")],
      ["watches", "#/watches", has('[data-testid="watch-tasks"] tbody tr, [data-testid="watches-empty"]')],
      ["login", "#/login", has('input[name="token"]')],
    ];
    const shifts: Record<string, number> = {};
    const moved: Record<string, string[]> = {};
    for (const [device, size] of [
      ["laptop", LAPTOP],
      ["phone", PHONE],
    ] as const) {
      const first = await openPage(size.width, size.height);
      const context = first.context();
      await first.close();
      for (const [name, route, ready] of pages) {
        const page = await context.newPage(); // a new document each: CLS counts from its start
        await page.goto(`${server.url}/${route}`);
        await ready(page);
        const measured = await cls(page);
        shifts[`${name} (${device})`] = measured.value;
        if (measured.shifted.length > 0) moved[`${name} (${device})`] = measured.shifted;
        await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
        await page.close();
      }
      await context.close();
    }
    expect(Object.keys(shifts)).toHaveLength(pages.length * 2);
    const over = Object.entries(shifts).filter(([, value]) => value >= 0.1);
    expect(over, JSON.stringify(moved)).toEqual([]);
    console.info(`dashboard CLS: ${JSON.stringify(shifts)}\nwhat moved: ${JSON.stringify(moved)}`);
  }, 90_000);

  it("after a login, starts a crawl by keyboard, shows its progress move live, pauses and resumes it by keyboard", async () => {
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
    // The last field, then Tab to the start button and Enter.
    await page.getByLabel("花费上限（美元，可选）").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("开始采集");
    expect((await focusOutline(page)).style).toBe("solid");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toMatch(/#\/runs\/\d{8}-/);
    const runId = decodeURIComponent(page.url().split("#/runs/")[1]!);
    // Named after its keyword, on the page and in its tab's title.
    await expect.poll(() => text(page.locator("h1"))).toBe("运行 控制台：露营");
    expect(await page.title()).toBe("运行 控制台：露营 · xhs-kit 控制台");
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

    // Pause: Tab reaches the button, Enter presses it; the held call is let through so the crawl can stop.
    await page.locator("#main").focus();
    await tabTo(page.locator('button:has-text("暂停")').first());
    expect((await focusOutline(page)).style).toBe("solid");
    await page.keyboard.press("Enter");
    allow(Number.POSITIVE_INFINITY);
    await expect.poll(() => text(status), { timeout: 25_000 }).toBe("已暂停");
    const [done, total] = (await text(finished)).split(" / ").map(Number);
    expect(done).toBeLessThan(total!);
    // Why it stopped, and the health table's error kinds and breakers, in Chinese (the codes only in titles).
    await expect.poll(() => text(page.locator('[data-testid="stop-reason"]'))).toMatch(/^停止原因：已暂停/);
    const health = await text(page.locator('section[aria-labelledby="health-title"] tbody'));
    expect(health).not.toMatch(/searchNotes|aborted|timeout|rate_limited/);
    // Once the run settled, the page shows what the API (the store) holds: no number left from the last event.
    await expect.poll(() => shownNumbers(page), { timeout: 15_000 }).toEqual(await apiNumbers(runId));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await shownNumbers(page)).toEqual(await apiNumbers(runId));
    await shot(page, "run-paused");

    // Resume: Tab, then Space this time.
    await page.locator("#main").focus();
    await tabTo(page.locator('button:has-text("继续")').first());
    await page.keyboard.press("Space");
    await expect.poll(() => text(status), { timeout: 25_000 }).toBe("已完成");
    await expect.poll(() => text(finished)).toMatch(/^(\d+) \/ \1$/);
    expect(await text(page.locator('[data-testid="run-calls"]'))).toContain("上限 400");
    // Finished live: the numbers, the end time and the sessions are the API's (QA saw "结束于 —，会话 4 次").
    await expect.poll(() => shownNumbers(page), { timeout: 15_000 }).toEqual(await apiNumbers(runId));
    const report = (
      await fetchJson<{ report: { finishedAt: string | null; sessions: number } }>(
        `/api/dashboard/runs/${encodeURIComponent(runId)}`,
      )
    ).report;
    expect(report.finishedAt).not.toBeNull();
    expect(report.sessions).toBe(2);
    await expect
      .poll(() => text(page.locator("section[aria-labelledby='failed-title'] p.sub")))
      .toBe(
        `开始于 ${localTime((await store.getRun(runId))!.createdAt, HERE)}，结束于 ${localTime(report.finishedAt!, HERE)}，会话 2 次。`,
      );
    await shot(page, "run-done");
    await page.context().close();
  }, 90_000);

  it("made no request to any other host", () => {
    expect(requested.length).toBeGreaterThan(10);
    const foreign = requested.filter((url) => !url.startsWith(server.url) && !url.startsWith("data:"));
    expect(foreign).toEqual([]);
  });
});

/** The run page's numbers: its status, finished / all jobs, calls, spend and the jobs by state. */
async function shownNumbers(page: Page): Promise<string[]> {
  const at = (id: string) => text(page.locator(`[data-testid="${id}"]`));
  // The number itself, without the budget line under it.
  const first = (id: string) =>
    page.locator(`[data-testid="${id}"]`).evaluate((el) => (el.firstChild?.textContent ?? "").trim());
  return [
    await at("run-status"),
    await at("jobs-finished"),
    await first("run-calls"),
    await first("run-cost"),
    await text(page.locator("section[aria-labelledby='jobs-title'] ul")),
  ];
}

/** The same numbers from the API's answer, formatted as the page does. */
async function apiNumbers(runId: string): Promise<string[]> {
  const { summary } = await fetchJson<{
    summary: {
      status: string;
      jobs: Record<"pending" | "leased" | "done" | "failed", number>;
      calls: number;
      costUsd: number;
    };
  }>(`/api/dashboard/runs/${encodeURIComponent(runId)}`);
  const j = summary.jobs;
  const status: Record<string, string> = { interrupted: "已暂停", completed: "已完成", running: "进行中" };
  const n = (v: number) => v.toLocaleString("en-US");
  return [
    status[summary.status] ?? summary.status,
    `${n(j.done + j.failed)} / ${n(j.pending + j.leased + j.done + j.failed)}`,
    n(summary.calls),
    usd(summary.costUsd),
    `等待：${n(j.pending)}执行中：${n(j.leased)}完成：${n(j.done)}失败：${n(j.failed)}`,
  ];
}

/** The element's text (textContent: what the DOM holds, whatever the layout). */
async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").trim();
}

async function fetchJson<T>(pathAndQuery: string): Promise<T> {
  const response = await fetch(`${server.url}${pathAndQuery}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** What the page should show for an ISO time in a zone: 2026-09-01 14:30. */
function localTime(iso: string, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  for (const p of format.formatToParts(Date.parse(iso))) parts[p.type] = p.value;
  return `${parts["year"]}-${parts["month"]}-${parts["day"]} ${parts["hour"]}:${parts["minute"]}`;
}

/** A zone's offset at a time, as UTC-5 / UTC+5:30 (from Intl's "GMT-5" / "GMT+5:30"). */
function utcOffsetIn(timeZone: string, ms: number): string {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" })
    .formatToParts(ms)
    .find((p) => p.type === "timeZoneName")!.value;
  return name === "GMT" ? "UTC+0" : name.replace("GMT", "UTC");
}
