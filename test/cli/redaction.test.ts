// With a known key and --verbose, nothing the CLI prints or writes contains it, even when the
// simulator answers 401 with a body that echoes it.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { createCliLogger } from "../../src/cli/logger.js";
import { createRedactor, REDACTED } from "../../src/core/redact.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { memorySink, simRig } from "./helpers.js";

const KEY = "sk-known-key-5f3a9c1e7b2d4c6a8e0f";

describe("the key never leaks", () => {
  it("on a 401 whose body echoes it, with --verbose", async () => {
    const rig = simRig({ keys: ["some-other-key"] });
    // Prove the simulator really echoes the submitted key, so the test below can fail.
    const raw = await rig.sim.fetch(`${rig.sim.url}/api/v1/xiaohongshu/app_v2/get_user_info?user_id=${GUIDE.userId}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(raw.status).toBe(401);
    expect(await raw.text()).toContain(KEY);

    for (const argv of [
      ["note", GUIDE.imageNoteId, "--verbose", "--qps", "0"],
      ["user-notes", GUIDE.userId, "--verbose", "--qps", "0", "--json"],
      ["search", "notes", GUIDE.keywords[0], "-v", "--qps", "0", "--csv"],
    ]) {
      const r = await rig.run(argv, { env: { TIKHUB_API_KEY: KEY } });
      expect(r.code, r.stderr).toBe(EXIT.auth);
      expect(r.stderr).toMatch(/attempt/); // --verbose really logged the attempt
      expect(r.stderr).not.toContain(KEY);
      expect(r.stdout).not.toContain(KEY);
      expect(r.stderr).not.toContain(KEY.slice(3, 20));
    }
  });

  it("on success, with --verbose and -o", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "xhs-redact-"));
    const rig = simRig({ keys: [KEY] });
    const r = await rig.run(
      ["comments", GUIDE.replyNoteId, "--limit", "3", "--verbose", "--qps", "0", "-o", "c.json"],
      {
        env: { TIKHUB_API_KEY: KEY },
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(r.stderr).toMatch(/attempt .*outcome=ok/);
    const files = readdirSync(dir);
    expect(files).toEqual(["c.json"]);
    for (const text of [r.stdout, r.stderr, readFileSync(path.join(dir, "c.json"), "utf8")]) {
      expect(text).not.toContain(KEY);
    }
  });
});

describe("redaction helpers", () => {
  it("the redactor replaces the key and its URL-encoded form, and ignores too-short secrets", () => {
    const redact = createRedactor(["ab+c/d=key-long", "x"]);
    expect(redact("k=ab+c/d=key-long&u=ab%2Bc%2Fd%3Dkey-long x")).toBe(`k=${REDACTED}&u=${REDACTED} x`);
  });

  it("the logger hides secret fields and bearer tokens whatever the key", () => {
    const sink = memorySink();
    const logger = createCliLogger(sink, { level: "debug", now: () => new Date(0) });
    logger.debug("request", { authorization: "Bearer abc.def", apiKey: "zzz", url: "/x", note: "Bearer qwerty123" });
    logger.info("plain message with Bearer tok-123");
    const text = sink.text();
    for (const secret of ["abc.def", "zzz", "qwerty123", "tok-123"]) expect(text).not.toContain(secret);
    expect(text).toContain("url=/x");
    expect(text.split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("the logger respects its level", () => {
    const sink = memorySink();
    const logger = createCliLogger(sink, { level: "warn" });
    logger.debug("quiet");
    logger.info("quiet");
    logger.warn("loud");
    expect(sink.text()).toMatch(/warn loud/);
    expect(sink.text()).not.toMatch(/quiet/);
  });
});
