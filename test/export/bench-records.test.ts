// The export benchmark's synthetic records are valid model records, varied where the exports care.
import { describe, expect, it } from "vitest";
import { syntheticComment, syntheticNote } from "../../src/bench/export-memory.js";
import { CommentSchema, NoteSchema } from "../../src/model/types.js";

describe("export benchmark records", () => {
  it("are valid notes and comments with Chinese text, counts and the odd approximate count", () => {
    const notes = Array.from({ length: 200 }, (_, i) => NoteSchema.parse(syntheticNote(i)));
    const comments = Array.from({ length: 200 }, (_, i) => CommentSchema.parse(syntheticComment(i)));
    expect(new Set(notes.map((n) => n.id)).size).toBe(200);
    expect(new Set(comments.map((c) => c.id)).size).toBe(200);
    expect(notes.some((n) => n.approx.length > 0) && notes.some((n) => n.approx.length === 0)).toBe(true);
    expect(notes.every((n) => /[\u4e00-\u9fff]/.test(n.text ?? ""))).toBe(true);
    expect(syntheticNote(7)).toEqual(syntheticNote(7));
  });
});
