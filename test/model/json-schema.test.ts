import { readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildJsonSchema, renderJsonSchema, SCHEMA_PATH } from "../../src/model/json-schema.js";

describe("schema/xhs-kit.schema.json", () => {
  it("is up to date with src/model/types.ts (regenerate: npx tsx src/model/json-schema.ts --write)", () => {
    expect(readFileSync(SCHEMA_PATH, "utf8")).toBe(renderJsonSchema());
  });

  it("defines the four records with their contract fields required", () => {
    const schema = buildJsonSchema() as {
      $defs: Record<string, { required: string[]; properties: Record<string, unknown> }>;
    };
    expect(Object.keys(schema.$defs).sort()).toEqual(["Comment", "Note", "Topic", "User"]);
    expect(schema.$defs.Note!.required).toEqual(
      expect.arrayContaining([
        "id",
        "type",
        "textTruncated",
        "tags",
        "stats",
        "approx",
        "images",
        "video",
        "publishedAt",
        "url",
        "source",
      ]),
    );
    expect(schema.$defs.Comment!.required).toEqual(expect.arrayContaining(["rootId", "replyToUser", "pictures"]));
    expect(schema.$defs.User!.properties.gender).toBeDefined();
  });
});

/** The module, loaded afresh as if `argv` were the command line; what it printed to stderr and whether it wrote. */
async function loadWithArgv(argv: string[]): Promise<{ printed: string[]; wrote: boolean }> {
  const before = readFileSync(SCHEMA_PATH, "utf8");
  const mtime = statSync(SCHEMA_PATH).mtimeMs;
  const printed: string[] = [];
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void printed.push(line));
  const saved = process.argv;
  process.argv = argv;
  try {
    vi.resetModules();
    await import("../../src/model/json-schema.js");
  } finally {
    process.argv = saved;
    error.mockRestore();
  }
  const wrote = statSync(SCHEMA_PATH).mtimeMs !== mtime;
  // Whatever happened, the committed file keeps its text (the staleness test above must still see it).
  if (readFileSync(SCHEMA_PATH, "utf8") !== before) writeFileSync(SCHEMA_PATH, before);
  return { printed, wrote };
}

describe("npx tsx src/model/json-schema.ts --write", () => {
  const self = fileURLToPath(new URL("../../src/model/json-schema.ts", import.meta.url));
  afterEach(() => vi.resetModules());

  it("writes the schema file, and says so, only when run as that command", async () => {
    expect(await loadWithArgv([process.execPath, self, "--write"])).toEqual({
      printed: [`wrote ${SCHEMA_PATH}`],
      wrote: true,
    });
  });

  it("writes nothing when imported, by this test or by another command given --write", async () => {
    for (const argv of [
      [process.execPath, self],
      [process.execPath, "/elsewhere/cli.js", "--write"],
      [process.execPath],
    ]) {
      expect(await loadWithArgv(argv), argv.join(" ")).toEqual({ printed: [], wrote: false });
    }
  });
});
