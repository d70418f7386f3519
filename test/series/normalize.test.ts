import { describe, expect, it } from "vitest";
import { InvalidInputError, NotFoundError, ShapeError, UpstreamError, WrongItemError } from "../../src/core/errors.js";
import type { Note } from "../../src/model/types.js";
import { normalize, pickRequested } from "../../src/series/normalize.js";
import { answers, COMMENT_1, NOTE_A, NOTE_R, NOTE_V } from "../fixtures/series/answers.js";

describe("normalize(endpoint, raw, options)", () => {
  it("detail: the record the echoed params asked for, even when it is not first", () => {
    const raw = structuredClone(answers.videoDetail) as { data: { data: unknown[] } };
    raw.data.data.reverse();
    const result = normalize("app_v2/get_video_note_detail", raw);
    expect(result).toMatchObject({ endpoint: "app_v2/get_video_note_detail", hasMore: null, cursor: null });
    expect(result.items.map((n) => n.id)).toEqual([NOTE_V]);
  });

  it("detail: options.id wins over the echoed params", () => {
    expect(
      normalize("app_v2/get_video_note_detail", answers.videoDetail, { id: NOTE_R }).items.map((n) => n.id),
    ).toEqual([NOTE_R]);
  });

  it("detail: the first record when nothing names the id", () => {
    const raw = { ...answers.videoDetail, params: {} };
    expect(normalize("app_v2/get_video_note_detail", raw).items.map((n) => n.id)).toEqual([NOTE_V]);
  });

  it("a wrong-note answer (video endpoint on an image note) is a WrongItemError, never another note", () => {
    expect(() => normalize("app_v2/get_video_note_detail", answers.videoDetailWrongNote)).toThrow(WrongItemError);
    expect(() =>
      normalize("app_v2/get_video_note_detail", answers.videoDetail, { id: "ffffffffffffffffffffffff" }),
    ).toThrow(WrongItemError);
  });

  it("inner failures throw UpstreamError, or NotFoundError when the message says so", () => {
    const failure = (() => {
      try {
        normalize("app_v2/get_image_note_detail", answers.innerFailure);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({
      upstreamMessage: "服务异常",
      endpoint: "app_v2/get_image_note_detail",
      series: "app_v2",
    });
    expect(() => normalize("app_v2/get_image_note_detail", answers.innerNotFound)).toThrow(NotFoundError);
    expect(() => normalize("web_v3/fetch_note_detail", answers.webDetailUnavailable)).toThrow(UpstreamError);
    expect(() => normalize("web_v3/fetch_note_detail", answers.webDetailUnavailable)).not.toThrow(NotFoundError);
  });

  it("an empty detail payload is an UpstreamError with emptyPayload, not a not-found", () => {
    for (const raw of [answers.imageDetailEmptyList, answers.detailEmptyData]) {
      try {
        normalize("app_v2/get_image_note_detail", raw);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error).not.toBeInstanceOf(NotFoundError);
        expect((error as UpstreamError).emptyPayload).toBe(true);
      }
    }
  });

  it("an empty list page is a normal result (the pagination layer decides)", () => {
    expect(normalize("app_v2/search_notes", answers.searchNotesEmpty)).toEqual({
      endpoint: "app_v2/search_notes",
      items: [],
      hasMore: null,
      cursor: null,
    });
  });

  it("lists return every record and the series-native cursor; app_v1/… and full paths are accepted", () => {
    const result = normalize("app_v1/get_note_comments", answers.v1Comments);
    expect(result.endpoint).toBe("app/get_note_comments");
    expect(result.items.map((c) => c.id)).toEqual([COMMENT_1]);
    expect(result.cursor).toEqual({ start: expect.stringContaining(COMMENT_1) });
    expect(normalize("/api/v1/xiaohongshu/app_v2/get_image_note_detail", answers.imageDetail).items).toHaveLength(1);
  });

  it("stamps fetchedAt from the envelope's time_stamp unless given", () => {
    const [note] = normalize("app_v2/get_image_note_detail", answers.imageDetail).items as Note[];
    expect(note!.fetchedAt).toBe("2026-01-01T00:00:00.000Z");
    const [later] = normalize("app_v2/get_image_note_detail", answers.imageDetail, {
      fetchedAt: "2026-02-02T00:00:00.000Z",
    }).items as Note[];
    expect(later!.fetchedAt).toBe("2026-02-02T00:00:00.000Z");
  });

  it("unknown endpoints are invalid input; non-object answers are shape errors", () => {
    expect(() => normalize("app_v2/nope", {})).toThrow(InvalidInputError);
    expect(() => normalize("app_v2/get_image_note_detail", [1, 2])).toThrow(ShapeError);
    expect(() => normalize("app_v2/get_image_note_detail", { code: 200, data: "oops" })).toThrow(ShapeError);
  });

  it("pickRequested finds the record by id", () => {
    const items = normalize("app_v2/get_video_note_detail", answers.videoDetail, { id: NOTE_V }).items;
    expect(pickRequested(items, NOTE_V)?.id).toBe(NOTE_V);
    expect(pickRequested(items, NOTE_A)).toBeUndefined();
  });
});
