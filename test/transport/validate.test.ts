import { describe, expect, it } from "vitest";
import { ENDPOINTS, endpoint } from "../../src/catalog/endpoints.js";
import { InvalidInputError } from "../../src/core/errors.js";
import { validateParams } from "../../src/transport/validate.js";

const NOTE = "64f1a2b3c4d5e6f7a8b9c0d1";
const USER = "5a8cf39111be10466d285d6b";

function invalid(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error("expected InvalidInputError");
}

describe("validateParams", () => {
  it("returns string values, drops empty ones and adds no defaults", () => {
    const spec = endpoint("app_v2/get_note_comments");
    expect(validateParams(spec, { note_id: NOTE, cursor: "", index: 0, sort_strategy: "like_count" })).toEqual({
      note_id: NOTE,
      index: "0",
      sort_strategy: "like_count",
    });
  });

  it("rejects a bad enum value, naming the parameter and the allowed values", () => {
    const error = invalid(() =>
      validateParams(endpoint("app_v2/search_notes"), { keyword: "猫", sort_type: "newest" }),
    );
    expect(error.message).toContain('"sort_type"');
    expect(error.message).toContain('"time_descending"');
    expect(error.endpoint).toBe("app_v2/search_notes");
    expect(error.series).toBe("app_v2");
    expect(error.fatal).toBe(true);
  });

  it("checks integer enums as strings (Web V3 note_type 0|1|2, App V1 sort_strategy 1|2)", () => {
    expect(validateParams(endpoint("web_v3/fetch_search_notes"), { keyword: "a", note_type: 2 })).toEqual({
      keyword: "a",
      note_type: "2",
    });
    expect(
      invalid(() => validateParams(endpoint("web_v3/fetch_search_notes"), { keyword: "a", note_type: 3 })).message,
    ).toMatch(/note_type.*"0", "1", "2"/);
    expect(validateParams(endpoint("app/get_note_comments"), { note_id: NOTE, sort_strategy: "2" })).toEqual({
      note_id: NOTE,
      sort_strategy: "2",
    });
  });

  it("rejects unknown parameter names (a typo is not dropped quietly)", () => {
    expect(invalid(() => validateParams(endpoint("app_v2/get_image_note_detail"), { noteId: NOTE })).message).toMatch(
      /unknown parameter "noteId".*note_id, share_text/,
    );
  });

  it("requires required parameters and one-of groups", () => {
    expect(invalid(() => validateParams(endpoint("app_v2/search_notes"), {})).message).toContain('"keyword"');
    expect(invalid(() => validateParams(endpoint("app_v2/search_notes"), { keyword: "" })).message).toContain(
      '"keyword"',
    );
    expect(invalid(() => validateParams(endpoint("app_v2/get_image_note_detail"), {})).message).toMatch(
      /one of "note_id" or "share_text"/,
    );
    expect(validateParams(endpoint("app_v2/get_image_note_detail"), { share_text: "http://xhslink.com/a/x" })).toEqual({
      share_text: "http://xhslink.com/a/x",
    });
  });

  it("checks integer types and max", () => {
    const spec = endpoint("web_v3/fetch_user_notes");
    expect(validateParams(spec, { user_id: USER, num: "30" })).toEqual({ user_id: USER, num: "30" });
    expect(invalid(() => validateParams(spec, { user_id: USER, num: 31 })).message).toMatch(/"num" must be at most 30/);
    expect(invalid(() => validateParams(spec, { user_id: USER, num: "ten" })).message).toMatch(
      /"num" must be an integer/,
    );
    expect(invalid(() => validateParams(spec, { user_id: USER, num: 2.5 })).message).toMatch(
      /"num" must be an integer/,
    );
    expect(invalid(() => validateParams(spec, { user_id: USER, num: true })).message).toMatch(
      /"num" must be an integer/,
    );
  });

  it("requires the xsec_token on Web V3 endpoints that need it", () => {
    expect(invalid(() => validateParams(endpoint("web_v3/fetch_note_detail"), { note_id: NOTE })).message).toMatch(
      /xsec_token/,
    );
    expect(validateParams(endpoint("web_v3/fetch_note_detail"), { note_id: NOTE, xsec_token: "AB=" })).toEqual({
      note_id: NOTE,
      xsec_token: "AB=",
    });
  });
});

describe("validateParams: ids of every kind, exactly, before any call", () => {
  const COMMENT = "68f599c1000000001b0249a5";
  const PAGE = "5c1cc866febed9000184b7c1";

  it("accepts well-formed ids of every kind, all-letter hex included", () => {
    const allLetters = "deadbeefdeadbeefdeadbeef";
    expect(validateParams(endpoint("app_v2/get_image_note_detail"), { note_id: allLetters })).toEqual({
      note_id: allLetters,
    });
    expect(validateParams(endpoint("app_v2/get_user_info"), { user_id: "a82b75219c7c5c5c9ece76b3490f2" })).toEqual({
      user_id: "a82b75219c7c5c5c9ece76b3490f2",
    });
    expect(validateParams(endpoint("app_v2/get_note_sub_comments"), { note_id: NOTE, comment_id: COMMENT })).toEqual({
      note_id: NOTE,
      comment_id: COMMENT,
    });
    expect(validateParams(endpoint("app_v2/get_topic_info"), { page_id: PAGE })).toEqual({ page_id: PAGE });
  });

  it("refuses a 23-character, uppercase, non-hex or padded id on every endpoint that takes one, naming it", () => {
    const bad = [NOTE.slice(1), NOTE.toUpperCase(), `${NOTE.slice(0, 23)}z`, ` ${NOTE}`, "nonsense"];
    let checked = 0;
    for (const spec of ENDPOINTS) {
      for (const param of spec.params) {
        if (!param.format || param.format === "xsec_token") continue;
        for (const value of bad) {
          const error = invalid(() => validateParams(spec, { [param.name]: value }));
          expect(error.message).toContain(`parameter "${param.name}": not a`);
          expect(error.message).toContain(JSON.stringify(value));
          checked++;
        }
      }
    }
    // note, user, comment and topic ids on the three series: the check is not vacuous.
    expect(checked).toBeGreaterThanOrEqual(5 * 20);
    expect(
      invalid(() => validateParams(endpoint("app_v2/get_note_sub_comments"), { note_id: NOTE, comment_id: "nonsense" }))
        .message,
    ).toMatch(/"comment_id": not a comment id: "nonsense" \(it has 8 characters, not 24/);
  });

  it("names every id parameter's kind in the catalogue (none is left unchecked)", () => {
    const idNames = new Set(["note_id", "user_id", "comment_id", "root_comment_id", "page_id", "xsec_token"]);
    for (const spec of ENDPOINTS) {
      for (const param of spec.params)
        if (idNames.has(param.name)) expect(param.format, `${spec.name} ${param.name}`).toBeDefined();
    }
  });

  it("refuses an xsec_token that cannot be one (spaces, control characters, over 1024 characters)", () => {
    const spec = endpoint("web_v3/fetch_note_detail");
    for (const token of ["A B=", "AB\n=", "AB令牌=", "A".repeat(1025)]) {
      expect(invalid(() => validateParams(spec, { note_id: NOTE, xsec_token: token })).message).toMatch(
        /not an xsec_token/,
      );
    }
    expect(validateParams(spec, { note_id: NOTE, xsec_token: "CB_x-Y9+/=" })).toMatchObject({
      xsec_token: "CB_x-Y9+/=",
    });
  });

  it("refuses share text or a share link longer than the ref parser's bound (4,096 characters)", () => {
    const long = `http://xhslink.com/a/${"x".repeat(4100)}`;
    expect(
      invalid(() => validateParams(endpoint("app_v2/get_image_note_detail"), { share_text: long })).message,
    ).toMatch(/"share_text" is too long: 4121 characters, at most 4096/);
    expect(invalid(() => validateParams(endpoint("app/extract_share_info"), { share_link: long })).message).toMatch(
      /"share_link" is too long/,
    );
    expect(validateParams(endpoint("app/extract_share_info"), { share_link: "http://xhslink.com/a/AbC" })).toEqual({
      share_link: "http://xhslink.com/a/AbC",
    });
  });
});
