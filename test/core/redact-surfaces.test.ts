// Each surface that shows or keeps text (store rows, CLI stderr and its log lines, a server problem,
// an MCP tool error) hides the key's URL-encoded form and TikHub's "令牌为" echo of some other key.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createContext } from "../../src/cli/context.js";
import { createCliLogger } from "../../src/cli/logger.js";
import { UpstreamError } from "../../src/core/errors.js";
import { REDACTED } from "../../src/core/redact.js";
import { toolError } from "../../src/mcp/tools.js";
import { PROBLEM_TYPES, problem, problemFor, problemResponse } from "../../src/service/problem.js";
import { openSqliteStore } from "../../src/store/index.js";
import { memorySink } from "../cli/helpers.js";
import { rig } from "../server/helpers.js";

/** A key whose URL-encoded form differs from itself. */
const KEY = "sk+live/key=5f2a9c0e7b1d";
const ENCODED = encodeURIComponent(KEY);
/** The echo names a key the redactor was never told about: only the echo's shape can hide it. */
const OTHER = "someOtherKey0123456789";
const ECHO = `无效的API令牌，您提交的API令牌为 ${OTHER}`;
const LEAKY = `url=/x?key=${ENCODED} body=${ECHO}`;

function expectHidden(text: string): void {
  expect(text).not.toContain(ENCODED);
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(OTHER);
  expect(text).toContain(REDACTED);
}

describe("every surface redacts the URL-encoded key and the 令牌为 echo", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("store rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xhs-redact-store-"));
    dirs.push(dir);
    const path = join(dir, "s.db");
    const store = openSqliteStore(path, { keepRawAnswers: true, secrets: [KEY] });
    await store.createRun({ id: "r1" });
    await store.enqueue({ runId: "r1", key: "note:n1", kind: "note_detail" });
    const [job] = await store.lease("r1");
    await store.fail(job!, { errorKind: "auth", message: LEAKY });
    await store.updateRun("r1", { status: "failed", report: { error: LEAKY } });
    await store.close();
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString("utf8"));
    for (const text of files) {
      expect(text).not.toContain(ENCODED);
      expect(text).not.toContain(OTHER);
    }
    expect(files.some((text) => text.includes(REDACTED))).toBe(true);
  });

  it("CLI stderr and --verbose log lines", () => {
    const stdout = memorySink();
    const stderr = memorySink();
    const ctx = createContext({ stdout, stderr, env: { TIKHUB_API_KEY: KEY } }, new AbortController().signal);
    ctx.stderr.write(`${LEAKY}\n`);
    expectHidden(stderr.text());

    const log = memorySink();
    createCliLogger(log, { level: "debug", redact: ctx.redact }).warn("attempt", { detail: LEAKY });
    expectHidden(log.text());
  });

  it("a server problem", async () => {
    const r = rig({ runtime: { secrets: [KEY] } });
    const body = problemFor(new UpstreamError(LEAKY));
    const text = await problemResponse({ ...body, detail: LEAKY }, r.runtime.redact).text();
    expectHidden(text);
    r.runtime.close();
  });

  it("an MCP tool error", () => {
    const r = rig({ runtime: { secrets: [KEY] } });
    const result = toolError(problem(PROBLEM_TYPES.upstreamFailed, 502, "Upstream failed", LEAKY), r.runtime.redact);
    expectHidden(JSON.stringify(result));
    r.runtime.close();
  });
});

describe("fetched data keeps its own words; only the key is hidden there", () => {
  /** What a note's text may say: credential-shaped, but the user's data, not a secret of ours. */
  const WORDS = "token: abc123 and Bearer abcdefgh1234, api_key=zzz999";

  it("CLI stdout shows the words as fetched, hides the key, and stderr still hides credentials", () => {
    const stdout = memorySink();
    const stderr = memorySink();
    const ctx = createContext({ stdout, stderr, env: { TIKHUB_API_KEY: KEY } }, new AbortController().signal);
    ctx.stdout.write(`${JSON.stringify({ desc: WORDS, link: `/x?key=${ENCODED}` })}\n`);
    expect(JSON.parse(stdout.text()).desc).toBe(WORDS);
    expect(stdout.text()).not.toContain(ENCODED);
    ctx.stderr.write(`${WORDS}\n`);
    expect(stderr.text()).not.toContain("abc123");
    expect(stderr.text()).not.toContain("abcdefgh1234");
    expect(ctx.redactData(`${KEY} ${WORDS}`)).toBe(`${REDACTED} ${WORDS}`);
  });

  it("a stored raw answer keeps the words and hides the key (job errors hide both: above)", async () => {
    const store = openSqliteStore(":memory:", { keepRawAnswers: true, secrets: [KEY] });
    await store.saveRawAnswer({
      runId: null,
      endpoint: "app_v2/get_image_note_detail",
      series: "app_v2",
      params: { note_id: "n1", key: KEY },
      httpStatus: 200,
      requestId: null,
      fetchedAt: "2026-12-03T00:00:00.000Z",
      body: { data: { desc: WORDS } },
    });
    const answers = await store.rawAnswers();
    expect(answers).toHaveLength(1);
    expect(JSON.stringify(answers)).not.toContain(KEY);
    expect(answers[0]?.body).toEqual({ data: { desc: WORDS } });
    await store.close();
  });
});
