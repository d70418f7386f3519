import { describe, expect, it } from "vitest";
import { PaymentRequiredError } from "../../src/core/errors.js";
import { toolAnswer, toolError } from "../../src/mcp/tools.js";
import { LIST_TEXT_CHARS } from "../../src/mcp/trim.js";
import type { Note } from "../../src/model/types.js";
import { capabilityByName } from "../../src/service/operations.js";

const note: Note = {
  id: "697c0eee000000000a03c308",
  type: "image",
  title: "标题",
  text: "很长的正文".repeat(100),
  textTruncated: false,
  tags: ["美食"],
  author: {
    id: "61b46d790000000010008153",
    nickname: "鱼丸",
    avatarUrl: "https://sns-avatar.example/a.jpg",
    redId: "3104663741",
  },
  stats: { likes: 12000, collects: 5, comments: 3, shares: null },
  approx: ["likes"],
  images: [{ url: "https://sns-img.example/1.jpg?sign=abc", width: 1080, height: 1440, livePhotoUrl: null }],
  video: null,
  publishedAt: "2026-01-30T01:23:45.000Z",
  updatedAt: null,
  ipLocation: "上海",
  xsecToken: "ABtoken",
  url: "https://www.xiaohongshu.com/explore/697c0eee000000000a03c308?xsec_token=ABtoken",
  source: "app_v2",
  fetchedAt: "2026-01-30T02:00:00.000Z",
};

describe("MCP answers are trimmed for a model's context and say what was left out", () => {
  it("a single note keeps its full text but drops media URLs and avatars", () => {
    const result = toolAnswer(capabilityByName("note")!, JSON.stringify(note));
    const text = result.content[0]!.type === "text" ? result.content[0]!.text : "";
    const out = JSON.parse(text) as { note: Record<string, unknown>; omittedFields: string[]; howToGetOmitted: string };
    expect(out.note["text"]).toBe(note.text);
    expect(out.note["imageCount"]).toBe(1);
    expect(out.note["approx"]).toEqual(["likes"]);
    expect(text).not.toContain("sns-img.example");
    expect(text).not.toContain("sns-avatar.example");
    expect(out.omittedFields.some((f) => f.startsWith("images"))).toBe(true);
    expect(out.howToGetOmitted).toMatch(/\/v1\/notes/);
  });

  it("notes in a list are cut to a short text, marked truncated, with the cursor kept", () => {
    const page = { items: [note], cursor: "c1", hasMore: true, degraded: false, degradedReasons: [] };
    const result = toolAnswer(capabilityByName("searchNotes")!, JSON.stringify(page));
    const out = JSON.parse(result.content[0]!.type === "text" ? result.content[0]!.text : "{}") as {
      items: { text: string; textTruncated: boolean }[];
      cursor: string;
      hasMore: boolean;
      omittedFields: string[];
    };
    expect(out.items[0]!.text.length).toBe(LIST_TEXT_CHARS + 1);
    expect(out.items[0]!.textTruncated).toBe(true);
    expect(out).toMatchObject({ cursor: "c1", hasMore: true });
    expect(out.omittedFields.join(" ")).toMatch(/get_note gives the full text/);
  });

  it("tool errors are isError results that say what to do, redacted", () => {
    const result = toolError(new PaymentRequiredError("balance low for key sk-secret-123456"), (t) =>
      t.replaceAll("sk-secret-123456", "[REDACTED]"),
    );
    expect(result.isError).toBe(true);
    const text = result.content[0]!.type === "text" ? result.content[0]!.text : "";
    expect(text).toMatch(/balance/i);
    expect(text).toMatch(/top it up/);
    expect(text).not.toContain("sk-secret");
  });
});
