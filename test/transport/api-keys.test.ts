/**
 * Where a pool's keys come from: options, TIKHUB_API_KEYS, TIKHUB_API_KEY, and a keys file that is refused
 * unless only its owner can read it. Messages never quote a key.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiKeysFrom, readKeysFile, splitKeyList } from "../../src/transport/api-keys.js";

describe("apiKeysFrom", () => {
  it("takes apiKeys, then apiKey, then TIKHUB_API_KEYS, then TIKHUB_API_KEY", () => {
    const env = { TIKHUB_API_KEYS: "e1, e2,,e1", TIKHUB_API_KEY: "single" };
    expect(apiKeysFrom({ apiKeys: ["a", " b ", "a"], apiKey: "x", env })).toEqual(["a", "b"]);
    expect(apiKeysFrom({ apiKey: "x", env })).toEqual(["x"]);
    expect(apiKeysFrom({ env })).toEqual(["e1", "e2"]);
    expect(apiKeysFrom({ env: { TIKHUB_API_KEYS: " ", TIKHUB_API_KEY: "single" } })).toEqual(["single"]);
    expect(apiKeysFrom({ env: {} })).toEqual([]);
  });

  it("splits a comma-separated list, trimming and dropping empties and repeats", () => {
    expect(splitKeyList(" k1 ,k2,, k1 ,k3 ")).toEqual(["k1", "k2", "k3"]);
  });
});

describe("readKeysFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xhs-keys-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: string, mode: number) => {
    const path = join(dir, "keys");
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };

  it("reads one key a line, skipping blank lines and # comments, at mode 600 or stricter", () => {
    const content = "# team keys\ntk_one_0123\n\n  tk_two_4567  \r\ntk_one_0123\n";
    expect(readKeysFile(write(content, 0o600))).toEqual(["tk_one_0123", "tk_two_4567"]);
    expect(readKeysFile(write(content, 0o400))).toEqual(["tk_one_0123", "tk_two_4567"]);
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o666])("refuses mode %s (group or others may read or write it)", (mode) => {
    const path = write("tk_secret_0123\n", mode);
    let message = "";
    try {
      readKeysFile(path);
    } catch (error) {
      message = (error as Error).message;
      expect((error as { kind?: string }).kind).toBe("invalid_input");
    }
    expect(message).toContain(`has mode ${mode.toString(8)}`);
    expect(message).toContain(`chmod 600 ${path}`);
    expect(message).not.toContain("tk_secret");
  });

  it("refuses a missing file, an empty one and a line that cannot be a key, naming the line, never the key", () => {
    expect(() => readKeysFile(join(dir, "absent"))).toThrow(/cannot read the keys file .*ENOENT/);
    expect(() => readKeysFile(write("# nothing\n\n", 0o600))).toThrow(/holds no key/);
    const bad = write("tk_good_0123\ntk secret 4567\n", 0o600);
    expect(() => readKeysFile(bad)).toThrow(/the key on line 2 of .* contains a space or tab/);
    try {
      readKeysFile(bad);
    } catch (error) {
      expect((error as Error).message).not.toContain("secret");
    }
  });
});
