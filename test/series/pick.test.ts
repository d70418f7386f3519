import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fields,
  hasValue,
  keys,
  pickBool,
  pickCount,
  pickId,
  pickInt,
  pickList,
  pickNonEmpty,
  pickObject,
  pickText,
  pickTime,
  pickValue,
} from "../../src/series/shared/pick.js";

describe("keys(): compiled field-name lists", () => {
  it("tries each name in order, snake_case before its camelCase twin, skipping null", () => {
    const likes = keys("liked_count", "interact_info.liked_count");
    expect(pickValue({ liked_count: 1, likedCount: 2 }, likes)).toBe(1);
    expect(pickValue({ liked_count: null, likedCount: 2 }, likes)).toBe(2);
    expect(pickValue({ interactInfo: { likedCount: "3" } }, likes)).toBe("3");
    expect(pickValue({ interact_info: null, interactInfo: { liked_count: 4 } }, likes)).toBe(4);
    expect(pickValue({ interact_info: "x" }, likes)).toBeUndefined();
    expect(pickValue({ interact_info: [{ liked_count: 5 }] }, likes)).toBeUndefined();
    expect(hasValue({}, likes)).toBe(false);
  });

  it("reads nothing from non-objects", () => {
    for (const source of [undefined, null, 3, "s", [], [{ id: "a" }]])
      expect(pickValue(source, keys("id"))).toBeUndefined();
  });

  it("typed pickers fall through to the next name when a value does not fit", () => {
    expect(pickId({ id: " ", note_id: "n1" }, keys("id", "note_id"))).toBe("n1");
    expect(pickId({ id: 2 ** 53 + 2, note_id: 7 }, keys("id", "note_id"))).toBe("7");
    expect(pickText({ title: "", display_title: "" }, keys("title", "display_title"))).toBe("");
    expect(pickText({ title: "", display_title: "t" }, keys("title", "display_title"))).toBe("t");
    expect(pickText({}, keys("title"))).toBeNull();
    expect(pickNonEmpty({ url: " ", url_pre: "u" }, keys("url", "url_pre"))).toBe("u");
    expect(pickInt({ width: "x", w: "12" }, keys("width", "w"))).toBe(12);
    expect(pickCount({ a: "garbage", b: "1.2万" }, keys("a", "b"))).toEqual({ value: 12000, approx: true });
    expect(pickCount({}, keys("a"))).toEqual({ value: null, approx: false });
    expect(pickTime({ time: 0, create_time: 1705104003 }, keys("time", "create_time"))).toBe(
      "2024-01-13T00:00:03.000Z",
    );
    // The camelCase twin is read only when the snake_case name is absent, as before.
    expect(pickBool({ has_more: "maybe", hasMore: "false" }, keys("has_more"))).toBeNull();
    expect(pickBool({ has_more: "maybe", more: 1 }, keys("has_more", "more"))).toBe(true);
    expect(pickList({ a: {}, b: [1] }, keys("a", "b"))).toEqual([1]);
    expect(pickObject({ a: [], b: { x: 1 } }, keys("a", "b"))).toEqual({ x: 1 });
  });

  it("agrees with a plain reference reader on arbitrary objects", () => {
    const names = ["a_b", "c", "a_b.c", "c.a_b", "d_e.f_g"];
    const twin = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    const reference = (source: unknown, name: string): unknown => {
      let current = source;
      for (const segment of name.split(".")) {
        if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
        const o = current as Record<string, unknown>;
        current = o[segment] ?? o[twin(segment)];
        if (current === undefined || current === null) return undefined;
      }
      return current;
    };
    const compiled = keys(...names);
    const key = fc.constantFrom("a_b", "aB", "c", "d_e", "dE", "f_g", "fG", "x");
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(null, 0, "", "s", true),
        fc.array(tie("node"), { maxLength: 2 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (source) => {
        const expected = names.map((n) => reference(source, n)).find((v) => v !== undefined);
        expect(pickValue(source, compiled)).toEqual(expected);
      }),
    );
  });

  it("fields() names alternatives with |, and refuses names that are not plain identifiers", () => {
    const [field] = fields("id|user_id");
    expect(field?.name).toBe("id|user_id");
    expect(field && hasValue({ userId: "u" }, field.keys)).toBe(true);
    expect(() => keys('a"];process.exit();//')).toThrow(/unsupported field name/);
    expect(() => keys("a..b")).toThrow(/unsupported field name/);
  });
});
