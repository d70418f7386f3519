import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { InvalidInputError } from "../../src/transport/errors.js";
import { validateParams } from "../../src/transport/validate.js";

const NOTE = "64f1a2b3c4d5e6f7a8b9c0d1";

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
    expect(validateParams(spec, { user_id: "u1", num: "30" })).toEqual({ user_id: "u1", num: "30" });
    expect(invalid(() => validateParams(spec, { user_id: "u1", num: 31 })).message).toMatch(/"num" must be at most 30/);
    expect(invalid(() => validateParams(spec, { user_id: "u1", num: "ten" })).message).toMatch(
      /"num" must be an integer/,
    );
    expect(invalid(() => validateParams(spec, { user_id: "u1", num: 2.5 })).message).toMatch(
      /"num" must be an integer/,
    );
    expect(invalid(() => validateParams(spec, { user_id: "u1", num: true })).message).toMatch(
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
