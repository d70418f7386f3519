/**
 * A not-found answer is an answer: it is cached for a short TTL, so asking for the same unknown item
 * again does not pay again; `fresh=true` asks again, and after the TTL the next request does.
 */
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { NotFoundError } from "../../src/core/errors.js";
import { PROBLEM_TYPES } from "../../src/service/problem.js";
import { DEFAULT_NEGATIVE_TTL_SEC, ResponseCache } from "../../src/service/response-cache.js";
import { json, rig } from "./helpers.js";

const UNKNOWN_NOTE = "0123456789abcdef01234567";

describe("negative caching", () => {
  for (const seed of [7, 11, 23]) {
    it(`the same unknown note three times pays once (seed ${seed})`, async () => {
      const fake = createFakeClock();
      const r = rig({ clock: fake.clock, sim: { seed } });
      const first = await r.get(`/v1/notes/${UNKNOWN_NOTE}`);
      expect(first.status).toBe(404);
      const paid = r.upstreamCalls();
      expect(paid).toBeGreaterThan(0);
      for (const _ of [1, 2]) {
        const again = await r.get(`/v1/notes/${UNKNOWN_NOTE}`);
        expect(again.status).toBe(404);
        expect((await json(again))["type"]).toBe(PROBLEM_TYPES.notFound);
      }
      expect(r.upstreamCalls()).toBe(paid);
      // fresh=true asks again; so does the first request after the short TTL.
      expect((await r.get(`/v1/notes/${UNKNOWN_NOTE}?fresh=true`)).status).toBe(404);
      const afterFresh = r.upstreamCalls();
      expect(afterFresh).toBeGreaterThan(paid);
      await fake.advance(DEFAULT_NEGATIVE_TTL_SEC * 1000 + 1);
      expect((await r.get(`/v1/notes/${UNKNOWN_NOTE}`)).status).toBe(404);
      expect(r.upstreamCalls()).toBeGreaterThan(afterFresh);
    });
  }

  it("the cache keeps only the errors it is told are answers, for the negative TTL", async () => {
    const fake = createFakeClock();
    const cache = new ResponseCache({ clock: fake.clock, negativeTtlSec: 30 });
    const negative = (error: unknown) => error instanceof NotFoundError;
    let loads = 0;
    const missing = () => {
      loads++;
      return Promise.reject(new NotFoundError("note gone"));
    };
    const broken = () => {
      loads++;
      return Promise.reject(new Error("upstream down"));
    };
    await expect(cache.get("a", "record", missing, { negative })).rejects.toThrow("note gone");
    await expect(cache.get("a", "record", missing, { negative })).rejects.toThrow("note gone");
    expect(loads).toBe(1);
    expect(cache.stats().hits).toBe(1);
    await expect(cache.get("b", "record", broken, { negative })).rejects.toThrow("upstream down");
    await expect(cache.get("b", "record", broken, { negative })).rejects.toThrow("upstream down");
    expect(loads).toBe(3);
    await fake.advance(30_001);
    await expect(cache.get("a", "record", missing, { negative })).rejects.toThrow("note gone");
    expect(loads).toBe(4);
    // An item that appears later replaces its negative answer.
    expect((await cache.get("a", "record", async () => "{}", { fresh: true, negative })).body).toBe("{}");
    expect((await cache.get("a", "record", missing, { negative })).outcome).toBe("HIT");
  });
});
