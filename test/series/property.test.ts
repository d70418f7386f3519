/**
 * Property: whatever JSON a normalizer is given, it returns a page (whose records satisfy the model's
 * schemas) or throws the typed ShapeError, never anything else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "../../src/catalog/endpoints.js";
import { ShapeError } from "../../src/core/errors.js";
import { contextFor, NORMALIZERS } from "../../src/series/normalize.js";
import { answers } from "../fixtures/series/answers.js";
import { SCHEMA_OF } from "../fixtures/series/schemas.js";

function check(name: string, raw: unknown): void {
  const spec = ENDPOINTS.find((e) => e.name === name)!;
  try {
    const page = NORMALIZERS[name]!(raw, contextFor(spec, raw, { onDrift: () => {} }));
    for (const item of page.items) SCHEMA_OF[spec.capability]!.parse(item);
    expect(page.hasMore === null || typeof page.hasMore === "boolean").toBe(true);
    if (page.next) for (const value of Object.values(page.next)) expect(typeof value).toBe("string");
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    expect(error.endpoint).toBe(name);
    expect(typeof error.path).toBe("string");
  }
}

/** Every JSON path of a value (objects and arrays), to graft arbitrary JSON into real-looking answers. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) out.push(...paths(element, [...prefix, index]));
  } else if (value && typeof value === "object") {
    for (const [key, element] of Object.entries(value)) out.push(...paths(element, [...prefix, key]));
  }
  return out;
}

function graft(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let cursor = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  cursor[path[path.length - 1]!] = replacement;
  return copy;
}

const fixturesFor = (name: string) =>
  Object.values(answers).filter((a) => (a as { router: string }).router === `/api/v1/xiaohongshu/${name}`);

describe("normalizers on arbitrary JSON", () => {
  const names = ENDPOINTS.map((e) => e.name);

  it("arbitrary JSON values: a page or a ShapeError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.jsonValue(), (name, raw) => check(name, raw)),
      { numRuns: 2000 },
    );
  });

  it("envelopes with arbitrary wrappers and payloads: a page or a ShapeError", () => {
    const wrapper = fc.record(
      {
        code: fc.oneof(fc.constant(0), fc.integer()),
        success: fc.oneof(fc.boolean(), fc.jsonValue()),
        msg: fc.jsonValue(),
        data: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.constantFrom(...names), wrapper, fc.dictionary(fc.string(), fc.string()), (name, data, params) =>
        check(name, { code: 200, params, data }),
      ),
      { numRuns: 2000 },
    );
  });

  it("real-looking answers with one subtree replaced by arbitrary JSON: a page or a ShapeError", () => {
    const cases = names.flatMap((name) => fixturesFor(name).map((raw) => ({ name, raw, all: paths(raw) })));
    expect(names.filter((name) => fixturesFor(name).length === 0)).toEqual([]);
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.nat(), fc.jsonValue(), ({ name, raw, all }, pick, replacement) =>
        check(name, graft(raw, all[pick % all.length]!, replacement)),
      ),
      { numRuns: 4000 },
    );
  });
});
