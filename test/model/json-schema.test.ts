import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
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
