/**
 * The share-link pattern's edges (src/transport/classify.ts, UNPARSABLE_LINK): "解析…链接…失败" with the
 * words adjacent or a few characters apart is bad input, words further apart are not about the link.
 * Each message reaches only the pattern's third branch (no "解析失败", "无法解析" or "无效" after 链接/分享).
 */
import { describe, expect, it } from "vitest";
import { InvalidInputError, UpstreamError } from "../../src/core/errors.js";
import { classify } from "../../src/transport/classify.js";
import { KEY } from "./helpers.js";

const ctx = { endpoint: "app_v2/get_note_info", series: "app_v2" as const, secrets: [KEY], nowMs: 0 };

function error400(message: string) {
  const result = classify(
    { status: 400, headers: new Headers(), text: JSON.stringify({ detail: { code: 400, message } }) },
    ctx,
  );
  if (result.ok) throw new Error("expected an error");
  return result.error;
}

describe("a 400 whose message says the share link could not be parsed", () => {
  it.each([
    ["adjacent words", "解析链接失败"],
    ["识别 and 分享 adjacent, 失败 right after", "识别分享失败"],
    ["two characters between 分享 and 失败", "解析分享链接失败"],
    ["two characters between 解析 and 链接", "解析这个链接失败"],
    ["four characters between 解析 and 链接", "解析您提供的链接失败"],
    ["four characters between 链接 and 失败", "解析链接内容时均失败"],
  ])("is final bad input: %s", (_case, message) => {
    const e = error400(message);
    expect(e, message).toBeInstanceOf(InvalidInputError);
    expect(e.fatal).toBe(true);
    expect(e.message).toMatch(/cannot parse the share link/);
  });

  it.each([
    ["six characters between 解析 and 链接", "解析服务暂时繁忙链接失败"],
    ["six characters between 链接 and 失败", "解析链接后请求超时了失败"],
  ])("is not, with the words further apart: %s", (_case, message) => {
    const e = error400(message);
    expect(e, message).toBeInstanceOf(UpstreamError);
    expect(e.fatal).toBe(false);
  });

  it("is bad input with runs of whitespace between the English words (collapsed before matching)", () => {
    const e = error400("Failed \t to  parse   the share link");
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/cannot parse the share link/);
  });
});
