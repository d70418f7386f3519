/**
 * The JSON Schema of the normalized model (Note, User, Comment, Topic), generated from the zod schemas with
 * zod 4's `z.toJSONSchema`, committed as `schema/xhs-kit.schema.json`.
 *
 * Regenerate after changing src/model/types.ts (no npm script needed):
 *   npx tsx src/model/json-schema.ts --write
 * test/model/json-schema.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { CommentSchema, NoteSchema, TopicSchema, UserSchema } from "./types.js";

export const SCHEMA_PATH = fileURLToPath(new URL("../../schema/xhs-kit.schema.json", import.meta.url));

/** One document with the four records under `$defs` (draft 2020-12). */
export function buildJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(NoteSchema, { id: "Note" });
  registry.add(UserSchema, { id: "User" });
  registry.add(CommentSchema, { id: "Comment" });
  registry.add(TopicSchema, { id: "Topic" });
  const generated = z.toJSONSchema(registry, { uri: (id) => `#/$defs/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const defs: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    // Each entry is referenced as #/$defs/<id>; a fragment `$id` is not allowed in draft 2020-12.
    const { $schema: _schema, $id: _id, ...rest } = schema;
    defs[id] = rest;
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://github.com/xhs-kit/xhs-kit/schema/xhs-kit.schema.json",
    title: "xhs-kit normalized model",
    description: "Records xhs-kit hands out (library, CLI, store, HTTP, MCP), whichever TikHub series answered.",
    anyOf: ["Note", "User", "Comment", "Topic"].map((id) => ({ $ref: `#/$defs/${id}` })),
    $defs: defs,
  };
}

/** The file's exact text (2-space JSON and a final newline). */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes("--write")) {
  writeFileSync(SCHEMA_PATH, renderJsonSchema());
  console.error(`wrote ${SCHEMA_PATH}`);
}
