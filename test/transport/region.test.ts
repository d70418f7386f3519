/**
 * TikHub serves mainland China from api.tikhub.dev and the rest of the world from api.tikhub.io: the
 * `region` option, TIKHUB_REGION and `--region cn|global` pick the host; a base URL still wins. No real
 * host is contacted: the requests are recorded and answered by the in-process simulator.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { InvalidInputError } from "../../src/core/errors.js";
import { createSimulator } from "../../src/simulator/index.js";
import { chooseBaseUrl, parseRegion, resolveBaseUrl } from "../../src/transport/http.js";
import { runCli, TEST_KEY } from "../cli/helpers.js";

const NOTE = "697c0eee000000000a03c308"; // the usage guide's note; the simulator's world holds it
const CN = "https://api.tikhub.dev";
const GLOBAL = "https://api.tikhub.io";

/** A fetch that records the origin of every request and answers from the simulator. */
function recordingFetch(seed = 1): { fetch: typeof globalThis.fetch; origins: string[] } {
  const sim = createSimulator({ size: "tiny", rateLimit: 0, seed });
  const origins: string[] = [];
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    origins.push(new URL(input instanceof Request ? input.url : String(input)).origin);
    return sim.fetch(input, init);
  }) as typeof globalThis.fetch;
  return { fetch, origins };
}

describe("choosing the base URL", () => {
  const cases: [string, { baseUrl?: string; region?: string }, Record<string, string>, string][] = [
    ["default", {}, {}, GLOBAL],
    ["region option cn", { region: "cn" }, {}, CN],
    ["region option global", { region: "global" }, { TIKHUB_REGION: "cn" }, GLOBAL],
    ["TIKHUB_REGION", {}, { TIKHUB_REGION: "cn" }, CN],
    ["TIKHUB_REGION, any case", {}, { TIKHUB_REGION: " CN " }, CN],
    ["baseUrl beats region", { baseUrl: "http://127.0.0.1:8787", region: "cn" }, {}, "http://127.0.0.1:8787"],
    ["region option beats TIKHUB_BASE_URL", { region: "cn" }, { TIKHUB_BASE_URL: "http://127.0.0.1:1" }, CN],
    [
      "TIKHUB_BASE_URL beats TIKHUB_REGION",
      {},
      { TIKHUB_BASE_URL: "http://127.0.0.1:1", TIKHUB_REGION: "cn" },
      "http://127.0.0.1:1",
    ],
  ];
  it.each(cases)("%s", (_, choice, env, expected) => {
    expect(chooseBaseUrl(choice, env)).toBe(expected);
    expect(resolveBaseUrl(choice.baseUrl, env, choice.region)).toBe(expected);
  });

  it("refuses any other region, from the option or the environment, even when a base URL wins", () => {
    for (const bad of ["eu", "china", "", "cn,global", "CN-north"]) {
      expect(() => parseRegion(bad)).toThrow(InvalidInputError);
    }
    expect(() => chooseBaseUrl({ region: "mainland" }, {})).toThrow(/region: expected "cn" .* or "global"/);
    expect(() => chooseBaseUrl({ baseUrl: "http://127.0.0.1:1" }, { TIKHUB_REGION: "asia" })).toThrow(
      /TIKHUB_REGION: expected "cn"/,
    );
  });
});

describe("the library", () => {
  it.each([
    ["cn", CN, 1],
    ["global", GLOBAL, 1],
    ["cn", CN, 5],
    ["global", GLOBAL, 9],
  ] as const)("region %s sends every call to %s (world seed %i)", async (region, origin, seed) => {
    const rec = recordingFetch(seed);
    const xhs = createClient({ apiKey: TEST_KEY, fetch: rec.fetch, region, qps: 0 });
    const note = await xhs.notes.get(NOTE);
    expect(note.id).toBe(NOTE);
    expect(rec.origins.length).toBeGreaterThan(0);
    expect(new Set(rec.origins)).toEqual(new Set([origin]));
  });

  it("a bad region is an InvalidInputError from createClient, before any call", () => {
    const rec = recordingFetch();
    expect(() => createClient({ apiKey: TEST_KEY, fetch: rec.fetch, region: "eu" as "cn" })).toThrow(InvalidInputError);
    expect(rec.origins).toEqual([]);
  });
});

describe("the command line", () => {
  it("--region cn and TIKHUB_REGION=cn call api.tikhub.dev; --base-url and TIKHUB_BASE_URL still win", async () => {
    const runs: [string[], Record<string, string>, string][] = [
      [["--region", "cn"], {}, CN],
      [[], { TIKHUB_REGION: "cn" }, CN],
      [["--region", "global"], { TIKHUB_REGION: "cn" }, GLOBAL],
      [[], {}, GLOBAL],
      [["--region", "cn"], { TIKHUB_BASE_URL: "http://127.0.0.1:9" }, CN],
      [[], { TIKHUB_REGION: "cn", TIKHUB_BASE_URL: "http://127.0.0.1:9" }, "http://127.0.0.1:9"],
    ];
    for (const [flags, env, origin] of runs) {
      const rec = recordingFetch();
      const r = await runCli(["note", NOTE, "--json", ...flags], {
        env: { TIKHUB_API_KEY: TEST_KEY, ...env },
        fetch: rec.fetch,
      });
      expect(r.code, `${flags.join(" ")} ${JSON.stringify(env)}: ${r.stderr}`).toBe(0);
      expect(new Set(rec.origins)).toEqual(new Set([origin]));
    }
  });

  it("a bad region, or --region with --base-url, is a usage error (exit 2) before any call", async () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [["--region", "eu"], {}, /expected "cn" .*or "global"/],
      [[], { TIKHUB_REGION: "mainland" }, /TIKHUB_REGION: expected "cn"/],
      [[], { TIKHUB_BASE_URL: "ftp://x" }, /TIKHUB_BASE_URL: expected an http\(s\) URL/],
      [
        ["--region", "cn", "--base-url", "http://127.0.0.1:9"],
        {},
        /--region.*cannot be used with.*--base-url|--base-url.*cannot be used with.*--region/,
      ],
    ];
    for (const [flags, env, message] of bad) {
      const rec = recordingFetch();
      const r = await runCli(["note", NOTE, ...flags], { env: { TIKHUB_API_KEY: TEST_KEY, ...env }, fetch: rec.fetch });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(rec.origins).toEqual([]);
    }
  });

  it("xhs --help names TIKHUB_REGION and both hosts", async () => {
    const r = await runCli(["--help"]);
    expect(r.stdout).toMatch(
      /TIKHUB_REGION +cn = https:\/\/api\.tikhub\.dev \(mainland China\), global = https:\/\/api\.tikhub\.io/,
    );
  });

  it("--help of an API command shows --region and both hosts", async () => {
    const r = await runCli(["note", "--help"]);
    expect(r.stdout).toMatch(/--region <cn\|global>/);
    expect(r.stdout).toContain("api.tikhub.dev");
    expect(r.stdout).toContain("TIKHUB_REGION");
  });
});
