import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "../../src/core/clock.js";
import type { DeliveryTarget } from "../../src/crawl/plan/watch.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import {
  ALERT_ID_HEADER,
  alertBody,
  checkTargets,
  DeliveryConfigError,
  type DeliveryDeps,
  DeliveryWorker,
  deliveryBackoff,
  SIGNATURE_HEADER,
  targetKey,
} from "../../src/watch/deliver.js";
import { MemoryWatchState } from "../../src/watch/memory-state.js";
import { SqlWatchState } from "../../src/watch/sql-state.js";
import type { AlertRecord, TaskState, WatchStateStore } from "../../src/watch/state.js";

const SECRET = "whsec-test-0123456789";
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "xhs-watch-deliver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A receiver on a real socket: 503 while `failing()` says so, else 200; it checks every signature. */
function startReceiver(failing: () => boolean) {
  const accepted: { id: string; body: string }[] = [];
  let refused = 0;
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const expected = Buffer.from(`sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`);
      const given = Buffer.from(String(req.headers[SIGNATURE_HEADER] ?? ""));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) badSignatures++;
      if (failing()) {
        refused++;
        res.writeHead(503).end("down");
        return;
      }
      const id = String(req.headers[ALERT_ID_HEADER] ?? "ping");
      if (id !== "ping") accepted.push({ id, body });
      res.writeHead(204).end();
    });
  });
  return {
    server,
    accepted,
    refusedCount: () => refused,
    badSignatures: () => badSignatures,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function deps(fake: FakeClock, out: string[] = []): DeliveryDeps {
  return {
    fetch,
    clock: fake.clock,
    sleep: fake.sleep,
    env: { XHS_WEBHOOK_SECRET: SECRET },
    stdout: { write: (text: string) => out.push(text) },
  };
}

const task: TaskState = {
  key: "discover|w|x",
  watch: "w",
  kind: "discover",
  target: "x",
  runs: 1,
  lastRunAt: 0,
  nextDueAt: 1,
};

function alert(n: number, at: number): AlertRecord {
  return {
    id: `alert-${n}`,
    watch: "w",
    kind: "new_note",
    subject: `note-${n}`,
    raisedAt: at,
    detail: { title: `标题 ${n}` },
  };
}

/** Raises alerts the way a tick does: one commit, one pending delivery per target. */
async function raise(state: WatchStateStore, alerts: AlertRecord[], targets: DeliveryTarget[], tick: string) {
  await state.commitTick({
    tickId: tick,
    task,
    track: [],
    newTasks: [],
    spend: null,
    alerts,
    targets: targets.map(targetKey),
  });
}

/** Runs what is due, then jumps the fake clock to the next try, until nothing is pending. */
async function deliverAll(worker: DeliveryWorker, fake: FakeClock, until = Number.POSITIVE_INFINITY) {
  for (;;) {
    await worker.runDue();
    const next = await worker.nextAttemptAt();
    if (next === null || next > until) return;
    await fake.advance(Math.max(0, next - fake.now()));
  }
}

describe("webhook deliveries", () => {
  let fake: FakeClock;
  let outageEnds = 0;
  const receiver = startReceiver(() => fake.now() < outageEnds);
  let url = "";
  beforeAll(async () => {
    url = await receiver.listen();
  });
  afterAll(() => receiver.close());

  it("a receiver down for an hour of simulated time gets every alert once, each with a valid signature", async () => {
    fake = createFakeClock();
    const start = fake.now();
    outageEnds = start + HOUR;
    const state = new MemoryWatchState();
    const target: DeliveryTarget = { kind: "webhook", url, secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 10 };
    const worker = new DeliveryWorker(state, new Map([[targetKey(target), target]]), deps(fake));
    // Alerts raised before, during and after the outage; one raised twice (a replayed tick) is kept once.
    await raise(state, [alert(1, start), alert(2, start)], [target], "t1");
    await fake.advance(20 * 60_000);
    await worker.runDue();
    await raise(state, [alert(3, fake.now()), alert(1, fake.now())], [target], "t2");
    await deliverAll(worker, fake, start + 50 * 60_000);
    expect(receiver.accepted).toEqual([]);
    await fake.advance(start + 2 * HOUR - fake.now());
    await raise(state, [alert(4, fake.now())], [target], "t3");
    await deliverAll(worker, fake);

    const ids = receiver.accepted.map((a) => a.id).sort();
    expect(ids).toEqual(["alert-1", "alert-2", "alert-3", "alert-4"]);
    expect(receiver.badSignatures()).toBe(0);
    expect(receiver.refusedCount()).toBeGreaterThan(3);
    for (const a of receiver.accepted) expect(JSON.parse(a.body).id).toBe(a.id);
    expect(await state.deliveries({ status: "pending" })).toEqual([]);
    expect(await state.deliveries({ status: "dead" })).toEqual([]);
    const delivered = await state.deliveries({ status: "delivered" });
    expect(delivered).toHaveLength(4);
    // The first alerts were tried through the outage with growing waits, and landed after it.
    const first = delivered.find((d) => d.alertId === "alert-1");
    expect(first?.attempts).toBeGreaterThan(4);
    expect(first?.settledAt).toBeGreaterThanOrEqual(outageEnds);
    // Nothing pending: a new worker on the same state (a restart) sends nothing again.
    const again = new DeliveryWorker(state, new Map([[targetKey(target), target]]), deps(fake));
    expect(await again.runDue()).toBe(0);
    expect(receiver.accepted).toHaveLength(4);
  });

  it("a restart mid-outage resumes the pending tries: still once each", async () => {
    fake = createFakeClock();
    outageEnds = fake.now() + HOUR;
    receiver.accepted.length = 0;
    const state = new MemoryWatchState();
    const target: DeliveryTarget = { kind: "webhook", url, secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 10 };
    const targets = new Map([[targetKey(target), target]]);
    await raise(state, [alert(7, fake.now()), alert(8, fake.now())], [target], "t1");
    await deliverAll(new DeliveryWorker(state, targets, deps(fake)), fake, fake.now() + 30 * 60_000);
    // The first process is gone; the second reads the same outbox.
    await deliverAll(new DeliveryWorker(state, targets, deps(fake)), fake);
    expect(receiver.accepted.map((a) => a.id).sort()).toEqual(["alert-7", "alert-8"]);
  });

  it("the same outage through the SQL state in a SQLite file, the process restarted mid-outage: once each", async () => {
    fake = createFakeClock();
    outageEnds = fake.now() + HOUR;
    receiver.accepted.length = 0;
    const path = join(dir, "outbox.db");
    let store = openSqliteStore(path, { clock: fake.clock });
    const target: DeliveryTarget = { kind: "webhook", url, secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 10 };
    const targets = new Map([[targetKey(target), target]]);
    try {
      await raise(new SqlWatchState(store), [alert(5, fake.now()), alert(6, fake.now())], [target], "t1");
      await deliverAll(
        new DeliveryWorker(new SqlWatchState(store), targets, deps(fake)),
        fake,
        fake.now() + 40 * 60_000,
      );
      expect(receiver.accepted).toEqual([]);
      // A restart: the file reopened, a new state and worker.
      await store.close();
      store = openSqliteStore(path, { clock: fake.clock });
      const state = new SqlWatchState(store);
      await deliverAll(new DeliveryWorker(state, targets, deps(fake)), fake);
      expect(receiver.accepted.map((a) => a.id).sort()).toEqual(["alert-5", "alert-6"]);
      expect(receiver.badSignatures()).toBe(0);
      const delivered = await state.deliveries({ status: "delivered" });
      expect(delivered.map((d) => d.alertId).sort()).toEqual(["alert-5", "alert-6"]);
      expect(delivered[0]?.settledAt).toBeGreaterThanOrEqual(outageEnds);
      expect(await new DeliveryWorker(state, targets, deps(fake)).runDue()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("dead-letters after the last try, with the last error", async () => {
    fake = createFakeClock();
    outageEnds = Number.POSITIVE_INFINITY;
    const state = new MemoryWatchState();
    const target: DeliveryTarget = { kind: "webhook", url, secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 3 };
    const worker = new DeliveryWorker(state, new Map([[targetKey(target), target]]), deps(fake));
    await raise(state, [alert(9, fake.now())], [target], "t1");
    const start = fake.now();
    await deliverAll(worker, fake);
    const [dead] = await state.deliveries({ status: "dead" });
    expect(dead).toMatchObject({ alertId: "alert-9", attempts: 3, lastError: `${url} answered HTTP 503` });
    expect(dead?.settledAt).toBe(start + deliveryBackoff(1) + deliveryBackoff(2));
  });
});

describe("backoff", () => {
  it("doubles from 30 s up to 30 min: ten tries span about two hours", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(deliveryBackoff)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000,
    ]);
    const total = [1, 2, 3, 4, 5, 6, 7, 8, 9].reduce((sum, n) => sum + deliveryBackoff(n), 0);
    expect(total).toBeGreaterThan(HOUR);
  });
});

describe("stdout and file deliveries", () => {
  it("write one JSON line per alert, once", async () => {
    const fake = createFakeClock();
    const out: string[] = [];
    const path = join(dir, "alerts.jsonl");
    const state = new MemoryWatchState();
    const targets: DeliveryTarget[] = [{ kind: "stdout" }, { kind: "file", path }];
    const worker = new DeliveryWorker(state, new Map(targets.map((t) => [targetKey(t), t])), deps(fake, out));
    await raise(state, [alert(1, fake.now()), alert(2, fake.now())], targets, "t1");
    await raise(state, [alert(2, fake.now())], targets, "t2");
    await worker.drain();
    expect(out).toEqual([`${alertBody(alert(1, fake.now()))}\n`, `${alertBody(alert(2, fake.now()))}\n`]);
    expect(readFileSync(path, "utf8")).toBe(out.join(""));
  });

  it("a file that cannot be written is tried 3 times, then dead-lettered", async () => {
    const fake = createFakeClock();
    const state = new MemoryWatchState();
    const target: DeliveryTarget = { kind: "file", path: join(dir, "no-such-dir", "a.jsonl") };
    const worker = new DeliveryWorker(state, new Map([[targetKey(target), target]]), deps(fake));
    await raise(state, [alert(1, fake.now())], [target], "t1");
    await deliverAll(worker, fake);
    const [dead] = await state.deliveries({ status: "dead" });
    expect(dead).toMatchObject({ attempts: 3, lastError: expect.stringContaining("ENOENT") });
  });
});

describe("checking targets at start", () => {
  it("refuses an unreachable webhook and a webhook without its secret, naming each, and never prints the secret", async () => {
    const fake = createFakeClock();
    const closed = startReceiver(() => false);
    const deadUrl = await closed.listen();
    await closed.close();
    const targets: DeliveryTarget[] = [
      { kind: "webhook", url: deadUrl, secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 10 },
      { kind: "webhook", url: "http://127.0.0.1:9/other", secretEnv: "OTHER_SECRET", maxAttempts: 10 },
    ];
    const error = await checkTargets(targets, deps(fake)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`webhook ${deadUrl} cannot be reached (ECONNREFUSED)`);
    expect(message).toContain("webhook http://127.0.0.1:9/other: set OTHER_SECRET to its signing secret");
    expect(message).not.toContain(SECRET);
  });

  it("accepts a receiver that answers, whatever its status", async () => {
    const fake = createFakeClock();
    const down = startReceiver(() => true);
    const url = await down.listen();
    try {
      await checkTargets([{ kind: "webhook", url, secretEnv: "XHS_WEBHOOK_SECRET", maxAttempts: 1 }], deps(fake));
      expect(down.badSignatures()).toBe(0);
    } finally {
      await down.close();
    }
  });
});
