/**
 * The key pool and the shared limits as the `xhs` command takes them (src/cli/options.ts, context.ts):
 * TIKHUB_API_KEYS, `--keys-file` (mode 600 or refused, exit 2), `--redis` (checked before anything is paid,
 * exit 2), and no key in any output. Through `main()` with the in-process simulator behind it.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyFingerprint } from "../../src/core/key-fingerprint.js";
import { simRig } from "../cli/helpers.js";

const K1 = "tk_cli_pool_ONE_0123456789";
const K2 = "tk_cli_pool_TWO_0123456789";

const noKeyIn = (text: string) => {
  expect(text).not.toContain(K1);
  expect(text).not.toContain(K2);
};

describe("xhs with a pool of keys", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xhs-cli-keys-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const keysFile = (mode: number, content = `${K1}\n${K2}\n`) => {
    const path = join(dir, "keys.txt");
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };

  it("refuses a keys file others can read: exit 2 before any call, the key not shown", async () => {
    const rig = simRig({ keys: [K1, K2] });
    const note = rig.sim.world.notes().find((n) => !n.deleted);
    const result = await rig.run(["note", note?.id ?? "", "--keys-file", keysFile(0o644)], {
      env: { TIKHUB_API_KEY: undefined },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has mode 644");
    expect(result.stderr).toContain("chmod 600");
    expect(rig.calls()).toBe(0);
    noKeyIn(result.stdout + result.stderr);
  });

  it("uses a mode-600 keys file: the note comes back, each attempt logged by key fingerprint only", async () => {
    const rig = simRig({ keys: [K1, K2] });
    const note = rig.sim.world.notes().find((n) => !n.deleted);
    const result = await rig.run(["note", note?.id ?? "", "--json", "-v", "--keys-file", keysFile(0o600)], {
      env: { TIKHUB_API_KEY: undefined },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe(note?.id);
    expect(result.stderr).toMatch(new RegExp(`key=(${keyFingerprint(K1)}|${keyFingerprint(K2)})`));
    noKeyIn(result.stdout + result.stderr);
  });

  it("takes a rejected key of TIKHUB_API_KEYS out and answers with the other, saying so by fingerprint", async () => {
    const rig = simRig({ keys: [K2] });
    const note = rig.sim.world.notes().find((n) => !n.deleted);
    const result = await rig.run(["note", note?.id ?? "", "--json", "-v"], {
      env: { TIKHUB_API_KEY: undefined, TIKHUB_API_KEYS: `${K1},${K2}` },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).id).toBe(note?.id);
    expect(result.stderr).toContain(`TikHub API key ${keyFingerprint(K1)} taken out of the pool`);
    noKeyIn(result.stdout + result.stderr);
  });

  it("names the bad entry of TIKHUB_API_KEYS by its place (exit 3), never by its text", async () => {
    const rig = simRig();
    const result = await rig.run(["note", "64f0a1b2c3d4e5f6a7b8c9d0"], {
      env: { TIKHUB_API_KEY: undefined, TIKHUB_API_KEYS: `${K1},tk secret 99` },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("TIKHUB_API_KEYS: key #2 contains a space or tab");
    expect(result.stderr).not.toContain("secret 99");
    expect(rig.calls()).toBe(0);
  });

  it("refuses a --redis that is not a Redis URL, and one that does not answer, before any call (exit 2)", async () => {
    const rig = simRig();
    const note = rig.sim.world.notes().find((n) => !n.deleted);
    const bad = await rig.run(["note", note?.id ?? "", "--redis", "http://example.com"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("redis://");

    const down = await rig.run(["note", note?.id ?? "", "--redis", "redis://:hunter2@127.0.0.1:9"]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain("shared rate limiter");
    expect(down.stderr).not.toContain("hunter2");
    expect(rig.calls()).toBe(0);
  });
});
