/**
 * The key pool through a real client and the in-process simulator (its per-key 10 req/s, its per-key
 * balance and its 401 for an unknown key), on one fake clock: calls spread over the keys, a rejected or
 * spent key goes out with a log line naming its fingerprint only, the others go on, the aggregate rate
 * grows with the keys, and no key ever shows in an event, a log line or an error.
 */
import { describe, expect, it } from "vitest";
import { createClient, transportOf } from "../../src/client/create-client.js";
import type { XhsClient } from "../../src/client/types.js";
import { createFakeClock } from "../../src/core/clock.js";
import { isXhsError } from "../../src/core/errors.js";
import { keyFingerprint } from "../../src/core/key-fingerprint.js";
import type { AttemptEvent, Logger } from "../../src/core/types.js";
import type { Budget } from "../../src/simulator/fault-profile.js";
import { createSimulator, keyId } from "../../src/simulator/index.js";
import { runOn } from "../client/sim-helpers.js";

const KEYS = ["tk_pool_ALPHA_0123456789", "tk_pool_BRAVO_0123456789", "tk_pool_CHARLIE_012345678"];

interface RigOptions {
  poolKeys: string[];
  /** Keys the simulator accepts (default: any). */
  validKeys?: string[];
  budget?: Budget;
}

function rig(options: RigOptions) {
  const fake = createFakeClock(Date.UTC(2026, 0, 15));
  const sim = createSimulator({
    seed: 3,
    size: "tiny",
    faults: "healthy",
    clock: fake.clock,
    sleep: fake.sleep,
    ...(options.validKeys ? { keys: options.validKeys } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const events: AttemptEvent[] = [];
  const lines: string[] = [];
  const record =
    (level: string) =>
    (msg: string, data?: Record<string, unknown>): void => {
      lines.push(`${level} ${msg} ${JSON.stringify(data ?? {})}`);
    };
  const logger: Logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  const xhs: XhsClient = createClient({
    apiKeys: options.poolKeys,
    fetch: sim.fetch,
    baseUrl: sim.url,
    clock: fake.clock,
    sleep: fake.sleep,
    logger,
    onEvent: (event) => events.push(event),
  });
  const notes = sim.world.notes().filter((n) => !n.deleted);
  const detail = (i: number) => {
    const note = notes[i % notes.length];
    if (!note) throw new Error("no note in the tiny world");
    return xhs.raw("app_v2/get_image_note_detail", { note_id: note.id });
  };
  return { fake, sim, xhs, events, lines, detail, run: runOn(fake) };
}

/** Calls per fingerprint in the events. */
function byKey(events: readonly AttemptEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[event.keyFingerprint ?? "?"] = (counts[event.keyFingerprint ?? "?"] ?? 0) + 1;
  return counts;
}

function expectNoKeyIn(text: string): void {
  for (const key of KEYS) expect(text).not.toContain(key);
}

describe("key fingerprints", () => {
  it("are the first 8 hex digits of the key's SHA-256, as the simulator names keys", () => {
    expect(keyFingerprint("abc")).toBe("ba7816bf");
    for (const key of KEYS) {
      expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{8}$/);
      expect(keyFingerprint(key)).toBe(keyId(key));
    }
    expect(new Set(KEYS.map(keyFingerprint)).size).toBe(KEYS.length);
  });
});

describe("a pool of keys", () => {
  it("spreads calls evenly over the keys, each event naming its key by fingerprint", async () => {
    const { events, detail, run, sim } = rig({ poolKeys: KEYS });
    await run(Promise.all(Array.from({ length: 60 }, (_, i) => detail(i))));

    expect(events).toHaveLength(60);
    expect(events.every((e) => e.outcome === "ok")).toBe(true);
    const counts = byKey(events);
    expect(Object.keys(counts).sort()).toEqual(KEYS.map(keyFingerprint).sort());
    for (const count of Object.values(counts)) expect(count).toBe(20);
    // The server saw the same split, and no 429.
    const usage = sim.ledger.snapshot();
    for (const key of usage.keys) expect(usage.keys.length === 3 && key.calls === 20).toBe(true);
    expect(usage.totals.byStatus["429"] ?? 0).toBe(0);
    expectNoKeyIn(JSON.stringify(events));
  });

  it("sends twice as many calls per second with two keys as with one (each key at its own 10 req/s)", async () => {
    const elapsed = async (keys: string[]) => {
      const { fake, detail, run, sim, events } = rig({ poolKeys: keys });
      const start = fake.now();
      await run(Promise.all(Array.from({ length: 200 }, (_, i) => detail(i))));
      expect(events.every((e) => e.outcome === "ok")).toBe(true);
      expect(sim.ledger.snapshot().totals.byStatus["429"] ?? 0).toBe(0);
      return (fake.now() - start) / 1000;
    };
    const one = await elapsed(KEYS.slice(0, 1));
    const two = await elapsed(KEYS.slice(0, 2));
    const three = await elapsed(KEYS);
    // 200 calls: a burst of 10 per key, then 10/s per key.
    expect(one).toBeCloseTo(19, 0);
    expect(one / two).toBeGreaterThan(1.9);
    expect(one / two).toBeLessThan(2.2);
    expect(one / three).toBeGreaterThan(2.8);
  });

  it("takes a key TikHub rejects (401) out, says so by fingerprint, and goes on with the others", async () => {
    const [good1, bad, good2] = KEYS as [string, string, string];
    const { xhs, events, lines, detail, run } = rig({ poolKeys: [good1, bad, good2], validKeys: [good1, good2] });
    const results = await run(Promise.all(Array.from({ length: 12 }, (_, i) => detail(i))));
    expect(results).toHaveLength(12);

    const rejected = events.filter((e) => e.httpStatus === 401);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(new Set(rejected.map((e) => e.keyFingerprint))).toEqual(new Set([keyFingerprint(bad)]));
    // After the 401s already on their way, the key is never used again.
    await run(Promise.all(Array.from({ length: 10 }, (_, i) => detail(i))));
    expect(events.slice(-10).every((e) => e.keyFingerprint !== keyFingerprint(bad) && e.outcome === "ok")).toBe(true);

    const said = lines.filter((line) => line.includes("taken out of the pool"));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(keyFingerprint(bad));
    expect(said[0]).toContain("2 of 3 keys left");
    expect(transportOf(xhs)?.keyStatus()).toEqual([
      { fingerprint: keyFingerprint(good1), out: undefined },
      { fingerprint: keyFingerprint(bad), out: { kind: "auth", httpStatus: 401 } },
      { fingerprint: keyFingerprint(good2), out: undefined },
    ]);
    // The 401 body echoes the key: no log line or event carries it.
    expectNoKeyIn(lines.join("\n"));
    expectNoKeyIn(JSON.stringify(events));
  });

  it("takes a spent key (402) out, then fails with one clear error naming every key by fingerprint when all are out", async () => {
    const pool = KEYS.slice(0, 2);
    const { events, detail, run, sim, lines } = rig({ poolKeys: pool, budget: { calls: 3 } });
    for (let i = 0; i < 6; i++) await run(detail(i));
    expect(byKey(events.filter((e) => e.outcome === "ok"))).toEqual(
      Object.fromEntries(pool.map((key) => [keyFingerprint(key), 3])),
    );

    const error = await run(detail(7)).catch((caught: unknown) => caught);
    expect(isXhsError(error) && error.kind).toBe("payment");
    const message = (error as Error).message;
    for (const key of pool) expect(message).toContain(keyFingerprint(key));
    expect(message).toMatch(/every TikHub API key of the pool \(2\) is out/);
    expect(message).toContain("balance is spent");
    expectNoKeyIn(message);
    expect(lines.filter((line) => line.includes("taken out of the pool"))).toHaveLength(2);

    // Nothing more is sent once every key is out.
    const sent = sim.ledger.snapshot().totals.calls;
    const again = await run(detail(8)).catch((caught: unknown) => caught);
    expect(isXhsError(again) && again.kind).toBe("payment");
    expect(sim.ledger.snapshot().totals.calls).toBe(sent);
  });

  it("ends with an auth error naming each key when every key is rejected", async () => {
    const { detail, run, events } = rig({ poolKeys: KEYS, validKeys: ["another-key-entirely"] });
    const error = await run(detail(0)).catch((caught: unknown) => caught);
    expect(isXhsError(error) && error.kind).toBe("auth");
    for (const key of KEYS) expect((error as Error).message).toContain(keyFingerprint(key));
    expectNoKeyIn((error as Error).message);
    // One 401 per key (the simulator does not bill or count them: the events do).
    expect(events.map((e) => e.httpStatus)).toEqual([401, 401, 401]);
    expect(new Set(events.map((e) => e.keyFingerprint)).size).toBe(3);
  });

  it("keeps a single key in, as before: each call is sent and fails on its own 401", async () => {
    const { detail, run, events, lines } = rig({ poolKeys: KEYS.slice(0, 1), validKeys: ["another-key-entirely"] });
    for (let i = 0; i < 2; i++) {
      const error = await run(detail(i)).catch((caught: unknown) => caught);
      expect(isXhsError(error) && error.kind).toBe("auth");
      expect((error as Error).message).not.toContain("pool");
    }
    expect(events.map((e) => e.httpStatus)).toEqual([401, 401]);
    expect(lines.some((line) => line.includes("taken out"))).toBe(false);
  });
});
