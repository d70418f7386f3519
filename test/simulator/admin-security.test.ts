/**
 * What an attacker tried against the simulator (issue #10, item 17): admin routes that read files, an
 * inherited property taken for a profile name, DNS rebinding and cross-site pages, and a huge body.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultProfileError, loadFaultProfile, parseFaultProfile } from "../../src/simulator/fault-profile.js";
import { createSimulator, type RunningSimulator, startSimulator } from "../../src/simulator/index.js";

const SECRET = "s3cret-line-7f3a";

describe("PUT /__sim/faults takes a profile by value or a built-in name, never a path", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "xhs-sim-admin-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function put(body: string) {
    const sim = createSimulator({ size: "tiny" });
    const answer = await sim.fetch("http://sim/__sim/faults", { method: "PUT", body });
    const text = await answer.text();
    const now = await (await sim.fetch("http://sim/__sim/faults")).json();
    return { status: answer.status, text, now };
  }

  it("a path to a valid profile file is not loaded", async () => {
    const file = path.join(dir, "all-503.json");
    writeFileSync(file, JSON.stringify({ name: "from-disk", defaults: { rates: { http_503: 1 } } }));
    const r = await put(JSON.stringify(file));
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/no built-in profile/);
    expect(r.text).not.toContain("from-disk");
    expect(r.now).toMatchObject({ name: "healthy" });
  });

  it("a path to any other file: nothing of its contents comes back", async () => {
    const file = path.join(dir, "secret.txt");
    writeFileSync(file, `${SECRET}:x:0:0:root:/root:/bin/bash\n`);
    for (const p of [file, "/etc/passwd", "/etc/hostname", "/etc/shadow"]) {
      const r = await put(JSON.stringify(p));
      expect(r.status).toBe(400);
      expect(r.text).not.toContain(SECRET);
      expect(r.text).not.toMatch(/root:|is not valid JSON/);
    }
  });

  it("inherited property names are not profile names; built-in names are", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const r = await put(JSON.stringify(name));
      expect(r.status, name).toBe(400);
      expect(r.text).toMatch(/no built-in profile/);
      expect(r.now).toMatchObject({ name: "healthy" });
    }
    const mild = await put('"mild"');
    expect(mild.status).toBe(200);
    expect(mild.now).toMatchObject({ name: "mild" });
  });

  it('a "__proto__" key anywhere in a profile is refused, not silently dropped', async () => {
    for (const body of [
      '{"endpoints":{"__proto__":{"rates":{"http_503":1}}}}',
      '{"rateLimit":{"perSecond":1,"endpoints":{"__proto__":1}}}',
      '{"__proto__":{"name":"x"}}',
    ]) {
      const r = await put(body);
      expect(r.status, body).toBe(400);
      expect(r.text).toContain("__proto__");
    }
    expect(() => parseFaultProfile(JSON.parse('{"series":{"app_v2":{"rates":{"__proto__":0.5}}}}'))).toThrow(
      /series\.app_v2\.rates\.__proto__/,
    );
  });
});

describe("loading a profile file (the process's own configuration)", () => {
  it("names the file and the problem, never its contents", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "xhs-sim-load-"));
    try {
      const file = path.join(dir, "notes.json");
      writeFileSync(file, `${SECRET} is not JSON`);
      let caught: unknown;
      try {
        loadFaultProfile(file);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(FaultProfileError);
      expect(String((caught as Error).message)).toMatch(/notes\.json[\s\S]*not valid JSON/);
      expect(JSON.stringify({ m: (caught as Error).message, i: (caught as FaultProfileError).issues })).not.toContain(
        SECRET.slice(0, 6),
      );
      expect(() => loadFaultProfile("__proto__")).toThrow(/no built-in profile "__proto__"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ------------------------------------------------------------------ over HTTP

interface RawAnswer {
  status: number;
  body: string;
  /** Body bytes the client had written when the answer came. */
  sent: number;
}

/** One HTTP request with exactly these headers (Host included); the body is streamed in 64 KiB chunks. */
function raw(
  base: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; streamBytes?: number },
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: url.hostname,
      port: url.port,
      method: options.method ?? "GET",
      path: options.path ?? "/__sim/health",
      headers: options.headers ?? {},
    });
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8"), sent }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const total = options.streamBytes ?? 0;
    if (total === 0) {
      req.end();
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("the HTTP server checks Host and Origin like xhs serve", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ size: "tiny", rateLimit: 0, allowedHosts: ["sim.internal"] });
  });
  afterAll(() => sim.close());

  it("refuses a Host that is a foreign name (DNS rebinding), on admin and API routes", async () => {
    for (const p of ["/__sim/health", "/__sim/ledger", "/api/v1/xiaohongshu/app_v2/search_notes?keyword=x"]) {
      const r = await raw(sim.url, {
        path: p,
        headers: { host: "rebind.attacker.example:8787", authorization: "Bearer k" },
      });
      expect(r.status, p).toBe(403);
      expect(JSON.parse(r.body).detail.message).toMatch(/Host not allowed/);
    }
    const put = await raw(sim.url, {
      method: "PUT",
      path: "/__sim/faults",
      headers: { host: "rebind.attacker.example", "content-type": "application/json", "content-length": "6" },
    });
    expect(put.status).toBe(403);
    expect(await (await fetch(`${sim.url}/__sim/faults`)).json()).toMatchObject({ name: "healthy" });
  });

  it("accepts loopback in any spelling, IP literals and the names it was given", async () => {
    const port = new URL(sim.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      "[::1]",
      `[::ffff:127.0.0.1]:${port}`,
      "10.1.2.3",
      "sim.internal:80",
    ]) {
      const r = await raw(sim.url, { headers: { host } });
      expect(r.status, host).toBe(200);
    }
    expect((await raw(sim.url, { headers: { host: "bad host" } })).status).toBe(403);
  });

  it("refuses cross-site browser requests, by Origin or by Sec-Fetch-Site, as xhs serve does", async () => {
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    ];
    for (const headers of refused) {
      const r = await raw(sim.url, { method: "POST", path: "/__sim/reset", headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    const allowed: Record<string, string>[] = [
      { origin: "http://localhost:3000" },
      { origin: "http://127.0.0.1:5173", "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" },
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
      {},
    ];
    for (const headers of allowed) {
      const r = await raw(sim.url, { method: "POST", path: "/__sim/reset", headers });
      expect(r.status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe("request bodies are bounded", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ size: "tiny", rateLimit: 0 });
  });
  afterAll(() => sim.close());

  it("a declared 560 MB body is answered 413 at once, before any of it is sent", async () => {
    const r = await raw(sim.url, {
      method: "POST",
      path: "/anything",
      headers: { "content-type": "application/json", "content-length": String(560 * 1024 * 1024) },
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ detail: { code: 413 } });
    expect(r.sent).toBe(0);
    const get = await raw(sim.url, { path: "/__sim/health", headers: { "content-length": String(560 * 1024 * 1024) } });
    expect(get.status).toBe(413);
  });

  it("a streamed body (no length) is cut at 1 MiB with 413; the simulator keeps serving", async () => {
    const cap = 64 * 1024 * 1024;
    for (const p of ["/__sim/faults", "/api/v1/xiaohongshu/app_v2/search_notes", "/nowhere"]) {
      const r = await raw(sim.url, {
        method: p === "/__sim/faults" ? "PUT" : "POST",
        path: p,
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        streamBytes: cap,
      });
      expect(r.status, p).toBe(413);
      expect(JSON.parse(r.body).detail.message).toMatch(/larger than 1048576 bytes/);
      expect(r.sent).toBeLessThan(cap);
    }
    expect((await fetch(`${sim.url}/__sim/health`)).status).toBe(200);
  });

  it("a body under the limit still works, and the limit is an option", async () => {
    const small = await startSimulator({ size: "tiny", rateLimit: 0, maxBodyBytes: 100 });
    try {
      const body = JSON.stringify("mild");
      const ok = await fetch(`${small.url}/__sim/faults`, { method: "PUT", body });
      expect(ok.status).toBe(200);
      const big = await fetch(`${small.url}/__sim/faults`, {
        method: "PUT",
        body: JSON.stringify({ description: "x".repeat(200) }),
      });
      expect(big.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
