/**
 * `xhs mock`: prints its URL on stdout, serves until the abort signal (Ctrl-C), closes cleanly; explains
 * every option in --help; refuses bad values and non-loopback hosts with exit code 2.
 */
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { main } from "../../src/cli/main.js";

function buffer() {
  let text = "";
  return {
    sink: {
      write(chunk: string) {
        text += chunk;
        return true;
      },
    },
    text: () => text,
  };
}

async function runMock(args: string[], whileRunning?: (url: string) => Promise<void>) {
  const out = buffer();
  const err = buffer();
  const controller = new AbortController();
  const done = main(["mock", ...args], { stdout: out.sink, stderr: err.sink, env: {}, signal: controller.signal });
  if (whileRunning) {
    // Wait for the URL line, then exercise the server, then "press Ctrl-C".
    const started = Date.now();
    while (!out.text().includes("\n")) {
      const early = await Promise.race([done, new Promise((r) => setTimeout(() => r("waiting"), 20))]);
      if (early !== "waiting") throw new Error(`xhs mock ended early (${String(early)}): ${err.text()}`);
      if (Date.now() - started > 20_000) throw new Error("xhs mock printed no URL");
    }
    try {
      await whileRunning(out.text().trim());
    } finally {
      controller.abort();
    }
  }
  const code = await done;
  return { code, stdout: out.text(), stderr: err.text() };
}

describe("xhs mock", () => {
  it("prints exactly its base URL on stdout, serves TikHub routes and admin routes, and stops on abort", async () => {
    let served = false;
    const { code, stdout, stderr } = await runMock(
      ["--port", "0", "--size", "tiny", "--seed", "3", "--faults", "mild", "--rate-limit", "0", "--keys", "demo-key"],
      async (url) => {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const health = (await (await fetch(`${url}/__sim/health`)).json()) as Record<string, unknown>;
        expect(health).toMatchObject({ ok: true, seed: 3, profile: "mild", rateLimit: { perSecond: 0 } });
        const denied = await fetch(`${url}/api/v1/xiaohongshu/app_v2/search_users?keyword=x`, {
          headers: { Authorization: "Bearer not-the-key" },
        });
        expect(denied.status).toBe(401);
        served = true;
      },
    );
    expect(served).toBe(true);
    expect(code).toBe(EXIT.ok);
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(/TikHub simulator on http/);
    expect(stderr).toMatch(/stopped/);
  });

  it("--help explains every option", async () => {
    const { code, stdout } = await runMock(["--help"]);
    expect(code).toBe(EXIT.ok);
    for (const option of [
      "--host",
      "--port",
      "--allow-remote",
      "--allow-host",
      "--seed",
      "--size",
      "--faults",
      "--rate-limit",
      "--keys",
      "--balance",
      "--no-quirks",
      "--quirk",
      "--latency-scale",
    ]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toMatch(/searchCap/);
    expect(stdout).toMatch(/primary-down/);
  });

  it.each([
    [["--port", "70000"], /port/],
    [["--port", "abc"], /port/],
    [["--size", "huge"], /size/],
    [["--rate-limit", "-1"], /rate-limit|≥ 0/],
    [["--balance", "lots"], /balance|≥ 0/],
    [["--quirk", "nope=off"], /quirk|name/],
    [["--faults", "no-such-profile"], /no built-in profile/],
    [["--host", "0.0.0.0"], /--allow-remote/],
    [["--allow-host", "evil.com@127.0.0.1"], /host name/],
  ])("refuses %j with exit code 2", async (args, message) => {
    const { code, stderr } = await runMock(args);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(message);
  });

  it("answers loopback and --allow-host names, and refuses other Host names with 403", async () => {
    const statusFor = (url: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(url);
        request({ host: u.hostname, port: u.port, path: "/__sim/health", headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
    const seen: Record<string, number> = {};
    const { code } = await runMock(
      ["--port", "0", "--size", "tiny", "--allow-host", "Sim.Internal", "--allow-host", "mock.test"],
      async (url) => {
        for (const host of ["127.0.0.1", "sim.internal:8787", "mock.test", "rebind.attacker.example"]) {
          seen[host] = await statusFor(url, host);
        }
      },
    );
    expect(code).toBe(EXIT.ok);
    expect(seen).toEqual({
      "127.0.0.1": 200,
      "sim.internal:8787": 200,
      "mock.test": 200,
      "rebind.attacker.example": 403,
    });
  });
});
