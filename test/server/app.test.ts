/**
 * The HTTP API through `app.request()` (no socket) against the in-process simulator.
 */
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../src/core/clock.js";
import { AllSeriesFailedError, TimeoutError, UpstreamError } from "../../src/core/errors.js";
import type { Comment, Note, ResolvedLink, Topic, User } from "../../src/model/types.js";
import { openApiPath } from "../../src/server/openapi.js";
import type { ListAnswer } from "../../src/service/executor.js";
import { CAPABILITY_REGISTRY } from "../../src/service/operations.js";
import { PROBLEM_TYPES, problemFor } from "../../src/service/problem.js";
import { GUIDE } from "../../src/simulator/world/index.js";
import { API_KEY, json, rig } from "./helpers.js";

const enc = encodeURIComponent;

describe("routes answer normalized JSON from the simulator", () => {
  const r = rig();

  it("GET /v1/notes/{ref}: the note asked for, by id or by URL", async () => {
    const res = await r.get(`/v1/notes/${GUIDE.imageNoteId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const note = await json<Note>(res);
    expect(note.id).toBe(GUIDE.imageNoteId);
    expect(note.title).toBe(r.sim.world.note(GUIDE.imageNoteId)?.title);
    const byUrl = await json<Note>(
      await r.get(`/v1/notes/${enc(r.sim.world.noteUrl(r.sim.world.note(GUIDE.imageNoteId)!))}`),
    );
    expect(byUrl.id).toBe(GUIDE.imageNoteId);
  });

  it("GET comments, replies (and comments?replies=true) with limit and an opaque cursor", async () => {
    const first = await json<ListAnswer<Comment>>(await r.get(`/v1/notes/${GUIDE.replyNoteId}/comments?limit=5`));
    expect(first.items).toHaveLength(5);
    expect(first.hasMore).toBe(true);
    expect(typeof first.cursor).toBe("string");
    for (const c of first.items) expect(c.noteId).toBe(GUIDE.replyNoteId);
    const second = await json<ListAnswer<Comment>>(
      await r.get(`/v1/notes/${GUIDE.replyNoteId}/comments?limit=5&cursor=${enc(first.cursor!)}`),
    );
    expect(second.items).toHaveLength(5);
    const firstIds = new Set(first.items.map((c) => c.id));
    for (const c of second.items) expect(firstIds.has(c.id)).toBe(false);

    const threaded = first.items.find((c) => (c.replyCount ?? 0) > 0)!;
    expect(threaded).toBeDefined();
    const replies = await json<ListAnswer<Comment>>(
      await r.get(`/v1/notes/${GUIDE.replyNoteId}/comments/${threaded.id}/replies?limit=3`),
    );
    expect(replies.items.length).toBeGreaterThan(0);
    for (const c of replies.items) expect(c.rootId).toBe(threaded.id);

    const withReplies = await json<ListAnswer<Comment>>(
      await r.get(`/v1/notes/${GUIDE.replyNoteId}/comments?limit=12&replies=true&maxRepliesPerThread=2`),
    );
    expect(withReplies.items.some((c) => c.rootId !== null)).toBe(true);
  });

  it("GET users, their notes and favourites", async () => {
    const user = await json<User>(await r.get(`/v1/users/${GUIDE.userId}`));
    expect(user.id).toBe(GUIDE.userId);
    expect(user.nickname).toBe(r.sim.world.user(GUIDE.userId)?.nickname);
    const notes = await json<ListAnswer<Note>>(await r.get(`/v1/users/${GUIDE.userId}/notes?limit=3`));
    expect(notes.items).toHaveLength(3);
    for (const n of notes.items) expect(n.author?.id).toBe(GUIDE.userId);
    const favs = await json<ListAnswer<Note>>(await r.get(`/v1/users/${GUIDE.favUserId}/favorites?limit=2`));
    const expected = r.sim.world.favorites(GUIDE.favUserId)!.map((n) => n.id);
    expect(favs.items.map((n) => n.id)).toEqual(expected.slice(0, 2));
  });

  it("GET search notes (with filters) and users", async () => {
    const q = enc(GUIDE.keywords[0]);
    const notes = await json<ListAnswer<Note>>(
      await r.get(`/v1/search/notes?q=${q}&sort=latest&type=image&time=all&limit=4`),
    );
    expect(notes.items).toHaveLength(4);
    for (const n of notes.items) expect(n.type).toBe("image");
    const nickname = r.sim.world.user(GUIDE.userId)!.nickname;
    const users = await json<ListAnswer<User>>(await r.get(`/v1/search/users?q=${enc(nickname)}&limit=2`));
    expect(users.items.map((u) => u.id)).toContain(GUIDE.userId);
  });

  it("GET topics and their notes", async () => {
    const topic = await json<Topic>(await r.get(`/v1/topics/${GUIDE.topicPageId}`));
    expect(topic.id).toBe(GUIDE.topicPageId);
    expect(topic.name).toBe(r.sim.world.topic(GUIDE.topicPageId)?.name);
    const notes = await json<ListAnswer<Note>>(
      await r.get(`/v1/topics/${GUIDE.topicPageId}/notes?limit=3&sort=latest`),
    );
    expect(notes.items).toHaveLength(3);
  });

  it("GET /v1/resolve: long URLs and short links", async () => {
    const worldNote = r.sim.world.note(GUIDE.imageNoteId)!;
    const link = await json<ResolvedLink>(
      await r.get(`/v1/resolve?text=${enc(r.sim.world.shortLink("note", worldNote.shortCode))}`),
    );
    expect(link).toMatchObject({ kind: "note", id: GUIDE.imageNoteId, xsecToken: worldNote.xsecToken });
    const user = r.sim.world.user(GUIDE.userId)!;
    const fromUrl = await json<ResolvedLink>(await r.get(`/v1/resolve?text=${enc(r.sim.world.userUrl(user))}`));
    expect(fromUrl).toMatchObject({ kind: "user", id: GUIDE.userId });
  });

  it("/health, /openapi.json (every capability, from the schemas) and /metrics", async () => {
    expect(await json(await r.get("/health"))).toMatchObject({ status: "ok" });
    const doc = await json<{ paths: Record<string, { get: { parameters: { name: string; in: string }[] } }> }>(
      await r.get("/openapi.json"),
    );
    for (const cap of CAPABILITY_REGISTRY) {
      const op = doc.paths[openApiPath(cap.http.path)];
      expect(op, cap.name).toBeDefined();
      const names = op!.get.parameters.map((p) => p.name);
      for (const field of Object.keys(cap.input.shape)) expect(names, `${cap.name}.${field}`).toContain(field);
    }
    const search = doc.paths["/v1/search/notes"]!.get.parameters.find((p) => p.name === "sort") as unknown as {
      schema: { enum: string[] };
    };
    expect(search.schema.enum).toContain("most_liked");

    const metrics = await (await r.get("/metrics")).text();
    expect(metrics).toMatch(/^xhs_upstream_calls_total\{series="app_v2",outcome="ok"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^xhs_upstream_billable_calls_total\{series="app_v2"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^xhs_upstream_cost_usd_total\{series="app_v2"\} 0\.\d+$/m);
    expect(metrics).toMatch(/^xhs_upstream_latency_seconds_count\{series="app_v2"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^xhs_cache_requests_total\{result="miss"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^xhs_http_requests_total\{route="\/v1\/notes\/:ref",status="200"\} [1-9]\d*$/m);
    expect(metrics).not.toContain(API_KEY);
  });
});

describe("cache", () => {
  it("serves a repeat from the cache with X-Cache and Cache-Control; fresh=true calls again", async () => {
    const r = rig();
    const first = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.headers.get("cache-control")).toBe("private, max-age=600");
    const calls = r.upstreamCalls();
    expect(calls).toBeGreaterThan(0);
    const again = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(await again.json()).toEqual(await first.json());
    expect(r.upstreamCalls()).toBe(calls);
    const fresh = await r.get(`/v1/users/${GUIDE.userId}?fresh=true`);
    expect(fresh.headers.get("x-cache")).toBe("BYPASS");
    expect(r.upstreamCalls()).toBe(calls * 2);
    const metrics = await (await r.get("/metrics")).text();
    expect(metrics).toMatch(/^xhs_cache_requests_total\{result="hit"\} 1$/m);
  });

  it("50 concurrent identical requests cost exactly one upstream call", async () => {
    const r = rig();
    const responses = await Promise.all(Array.from({ length: 50 }, () => r.get(`/v1/users/${GUIDE.userId}`)));
    expect(responses.map((x) => x.status)).toEqual(Array(50).fill(200));
    const bodies = await Promise.all(responses.map((x) => x.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(r.upstreamCalls()).toBe(1);
    expect(r.sim.ledger.snapshot().totals.billableCalls).toBe(1);
    const outcomes = responses.map((x) => x.headers.get("x-cache"));
    expect(outcomes.filter((o) => o === "MISS")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "COALESCED")).toHaveLength(49);
  });

  it("a failed upstream answer is not served from the cache afterwards", async () => {
    const r = rig({ sim: { faults: { defaults: { rates: { http_503: 1 } } } } });
    const failed = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(failed.status).toBe(502);
    expect(failed.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(failed.headers.get("cache-control")).toBe("no-store");
    const problem = await json<{ type: string; attempts: { series: string; kind: string }[] }>(failed);
    expect(problem.type).toBe(PROBLEM_TYPES.upstreamFailed);
    expect(problem.attempts.length).toBeGreaterThan(0);
    r.sim.setFaults("healthy");
    const ok = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-cache")).toBe("MISS");
    expect((await json<User>(ok)).id).toBe(GUIDE.userId);
  });
});

describe("errors are problem+json with a status about this server", () => {
  it("400 for bad input, before any paid call", async () => {
    const r = rig();
    const cases = [
      "/v1/notes/not%20a%20note",
      `/v1/notes/${GUIDE.replyNoteId}/comments?limit=0`,
      `/v1/notes/${GUIDE.replyNoteId}/comments?limit=abc`,
      `/v1/notes/${GUIDE.replyNoteId}/comments?sort=random`,
      `/v1/notes/${GUIDE.replyNoteId}/comments?cursor=not-a-cursor`,
      `/v1/users/${GUIDE.userId}/notes?limit=101`,
      "/v1/search/notes?q=%20",
      "/v1/search/notes",
      "/v1/search/notes?q=x&keyword=y",
      "/v1/search/notes?q=x&q=y",
      `/v1/topics/${GUIDE.topicPageId}/notes?sort=random`,
      "/v1/resolve?text=hello",
      `/v1/users/${GUIDE.userId}?fresh=maybe`,
      // A repeated parameter is refused, the server's own `fresh` included.
      `/v1/users/${GUIDE.userId}?fresh=true&fresh=false`,
      `/v1/users/${GUIDE.userId}?fresh=1&fresh=1`,
    ];
    for (const path of cases) {
      const res = await r.get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const body = await json<{ type: string; detail: string; errors: unknown[] }>(res);
      expect(body.type, path).toBe(PROBLEM_TYPES.invalidInput);
      expect(body.detail.length).toBeGreaterThan(20);
      expect(body.errors.length).toBeGreaterThan(0);
    }
    expect(r.upstreamCalls()).toBe(0);
    const unknown = await r.get("/v2/whatever");
    expect(unknown.status).toBe(404);
    expect((await json(unknown))["type"]).toBe(PROBLEM_TYPES.unknownRoute);
  });

  it("404 for a note that does not exist", async () => {
    const r = rig();
    const res = await r.get("/v1/notes/0123456789abcdef01234567");
    expect(res.status).toBe(404);
    expect((await json(res))["type"]).toBe(PROBLEM_TYPES.notFound);
  });

  it("503 with a distinct type when TikHub rejects the key, never 401 passed through, key never shown", async () => {
    const r = rig({ sim: { keys: ["some-other-key"] } });
    const res = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).type).toBe(PROBLEM_TYPES.upstreamCredentials);
    expect(text).not.toContain(API_KEY);
    expect(res.headers.get("www-authenticate")).toBeNull();
  });

  it("503 with a distinct type when the TikHub balance is exhausted", async () => {
    const r = rig({ sim: { budget: { usd: 0 } } });
    const res = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(res.status).toBe(503);
    expect((await json(res))["type"]).toBe(PROBLEM_TYPES.upstreamBalance);
  });

  it("504 for upstream timeouts, 502 for other upstream failures", () => {
    expect(problemFor(new TimeoutError("slow", { series: "app_v2" })).status).toBe(504);
    const timeouts = new AllSeriesFailedError("all", [
      new TimeoutError("a", { series: "app_v2" }),
      new TimeoutError("b", { series: "web_v3" }),
    ]);
    expect(problemFor(timeouts)).toMatchObject({ status: 504, type: PROBLEM_TYPES.upstreamTimeout });
    const mixed = new AllSeriesFailedError("all", [new TimeoutError("a"), new UpstreamError("b")]);
    expect(problemFor(mixed)).toMatchObject({ status: 502, type: PROBLEM_TYPES.upstreamFailed });
    expect(problemFor(new Error("boom"))).toMatchObject({ status: 500, type: PROBLEM_TYPES.internal });
  });

  it("503 spending-cap once the daily cap is spent; cached answers are still served", async () => {
    // One call's price: the user costs one call, then nothing more fits.
    const r = rig({ runtime: { maxCostPerDayUsd: 0.01 } });
    expect((await r.get(`/v1/users/${GUIDE.userId}`)).status).toBe(200);
    const capped = await r.get(`/v1/topics/${GUIDE.topicPageId}`);
    expect(capped.status).toBe(503);
    expect((await json(capped))["type"]).toBe(PROBLEM_TYPES.spendingCap);
    expect(Number(capped.headers.get("retry-after"))).toBeGreaterThan(0);
    const cached = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(cached.status).toBe(200);
    expect(cached.headers.get("x-cache")).toBe("HIT");
  });
});

describe("safety", () => {
  it("429 with Retry-After for a client over its rate limit", async () => {
    const fake = createFakeClock();
    const r = rig({ clock: fake.clock, app: { rateLimit: { perSecond: 1, burst: 2 } } });
    expect(
      (await r.get("/v1/resolve?text=https%3A%2F%2Fwww.xiaohongshu.com%2Fexplore%2F697c0eee000000000a03c308")).status,
    ).toBe(200);
    expect((await r.get("/openapi.json")).status).toBe(200);
    const limited = await r.get("/openapi.json");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await json(limited))["type"]).toBe(PROBLEM_TYPES.rateLimited);
    expect((await r.get("/health")).status).toBe(200);
    await fake.advance(2000);
    expect((await r.get("/openapi.json")).status).toBe(200);
    expect(await (await r.get("/metrics")).text()).toMatch(/^xhs_rate_limited_total 1$/m);
  });

  it("with a token: 401 without it or with a wrong one, 200 with it; /health stays open", async () => {
    const token = "t0ken-for-tests-0123456789";
    const r = rig({ app: { token } });
    const missing = await r.get(`/v1/users/${GUIDE.userId}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const body = await json<{ type: string; detail: string }>(missing);
    expect(body.type).toBe(PROBLEM_TYPES.unauthorized);
    // The advice survives the redactor whole (it used to end "Bearer [REDACTED]").
    expect(body.detail).toBe("Send the server token as `Authorization: Bearer <XHS_SERVER_TOKEN>`.");
    expect((await r.get("/metrics", { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await r.get("/health")).status).toBe(200);
    expect(r.upstreamCalls()).toBe(0);
    expect((await r.get(`/v1/users/${GUIDE.userId}`, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it("refuses foreign Origins and Hosts (browser pages, DNS rebinding) before any paid call", async () => {
    const r = rig();
    const evil = await r.get(`/v1/users/${GUIDE.userId}`, { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect((await json(evil))["type"]).toBe(PROBLEM_TYPES.forbiddenOrigin);
    const rebound = await r.app.request(`http://evil.example/v1/users/${GUIDE.userId}`);
    expect(rebound.status).toBe(403);
    expect(r.upstreamCalls()).toBe(0);
    expect((await r.get(`/v1/users/${GUIDE.userId}`, { origin: "http://localhost:5173" })).status).toBe(200);
    const allowed = rig({ app: { allowedOrigins: ["https://app.example.com"] } });
    expect((await allowed.get(`/v1/topics/${GUIDE.topicPageId}`, { origin: "https://app.example.com" })).status).toBe(
      200,
    );
  });

  it("never puts the TikHub key in a response, whatever the outcome", async () => {
    const r = rig({ sim: { faults: { defaults: { rates: { http_5xx: 0.5 } } } } });
    const paths = [
      `/v1/users/${GUIDE.userId}`,
      `/v1/notes/${GUIDE.imageNoteId}`,
      "/metrics",
      "/openapi.json",
      "/health",
      "/v1/notes/bad%20ref",
    ];
    for (const path of paths) {
      const text = await (await r.get(path)).text();
      expect(text).not.toContain(API_KEY);
    }
  });
});
