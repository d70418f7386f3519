// The typed export columns are the CSV's columns, each with a deliberate type.
import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, TEXT_COLUMNS, typedRow } from "../../src/export/columns.js";
import { CSV_COLUMNS, RECORD_KINDS } from "../../src/store/index.js";
import { comment, note, searchHit } from "../store/fixtures.js";

describe("export columns", () => {
  it("are the CSV columns in CSV order, and every text column is text on purpose", () => {
    for (const kind of RECORD_KINDS) {
      expect(EXPORT_COLUMNS[kind].map((c) => c.name)).toEqual(CSV_COLUMNS[kind]);
      const untyped = EXPORT_COLUMNS[kind].filter((c) => c.type === "string" && !TEXT_COLUMNS.has(c.name));
      expect(untyped, `${kind}: give these columns a type in src/export/columns.ts`).toEqual([]);
    }
  });

  it("a row: counts numbers, flags booleans, times Dates, nested fields JSON text, null kept", () => {
    const cells = typedRow("notes", searchHit("n1", { textTruncated: true }));
    const cell = (name: string) => cells[EXPORT_COLUMNS.notes.findIndex((c) => c.name === name)];
    expect(cell("likes")).toBe(12000);
    expect(cell("collects")).toBeNull();
    expect(cell("textTruncated")).toBe(true);
    expect(cell("fetchedAt")).toEqual(new Date("2026-01-30T02:00:00.000Z"));
    expect(cell("publishedAt")).toBeNull();
    expect(cell("approx")).toBe('["likes"]');
    expect(cell("tags")).toBe("[]");
    expect(cell("video")).toBeNull();
  });

  it("the redactor sees every text cell, JSON text included, and nothing else", () => {
    const seen: string[] = [];
    typedRow("comments", comment("c1", "n1", { pictures: ["https://p.example/1.jpg"] }), (text) => {
      seen.push(text);
      return text;
    });
    expect(seen).toContain('["https://p.example/1.jpg"]');
    expect(seen).toContain("c1");
    expect(seen.every((text) => typeof text === "string")).toBe(true);
    const redacted = typedRow("notes", note("n1", { text: "key sk-1" }), (text) => text.replace("sk-1", "[redacted]"));
    expect(redacted).toContain("key [redacted]");
  });
});
