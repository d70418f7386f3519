import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatIssues, namedIssues } from "../../src/core/issues.js";

const Schema = z.object({ a: z.object({ b: z.array(z.number()) }), name: z.string() }).strict();

function errorOf(input: unknown): z.ZodError {
  const parsed = Schema.safeParse(input);
  if (parsed.success) throw new Error("expected a failure");
  return parsed.error;
}

describe("formatIssues", () => {
  it("names each issue's path with dots, every issue at once", () => {
    const lines = formatIssues(errorOf({ a: { b: [1, "x"] } }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^a\.b\.1: /);
    expect(lines[1]).toMatch(/^name: /);
  });

  it("names an issue about the whole value by its root, default (input)", () => {
    expect(formatIssues(errorOf("text"))[0]).toMatch(/^\(input\): /);
    expect(formatIssues(errorOf("text"), { root: "(profile)" })[0]).toMatch(/^\(profile\): /);
  });

  it("writes paths under a parent when the value sits inside a larger document", () => {
    expect(formatIssues(errorOf({ a: { b: [] } }), { under: "rateLimit" })).toEqual([
      expect.stringMatching(/^rateLimit\.name: /),
    ]);
    expect(namedIssues(errorOf(3), { under: "rateLimit" })[0]?.path).toBe("rateLimit");
  });
});
