/**
 * The zod checks of a plan's seeds, shared by the crawl's `seeds:` and the `watch:` section: keywords and
 * note, user and topic references are checked by the very functions the CLI and the client use (one
 * validation of keywords and ids), so every problem of a plan is reported in one pass, each at its path.
 */
import { z } from "zod";
import { NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS, TOPIC_SORTS } from "../../catalog/filters.js";
import { keywordProblem } from "../../client/keyword.js";
import { parseNoteRef, parseTopicRef, parseUserRef } from "../../refs/parse-ref.js";

export const positive = z.number().int().positive();

export const Keyword = z.string().superRefine((value, ctx) => {
  const problem = keywordProblem(value);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

const refOf = (parse: (text: string) => unknown) =>
  z
    .string()
    .max(4096)
    .superRefine((value, ctx) => {
      try {
        parse(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    });

export const NoteRef = refOf(parseNoteRef);
export const UserRef = refOf(parseUserRef);
export const TopicRef = refOf(parseTopicRef);

/** A keyword search and its filters: a crawl seed adds `limit` and `split` to it, a watch takes it as it is. */
export const keywordSearchFields = {
  keyword: Keyword,
  sort: z.enum(SEARCH_SORTS).optional(),
  type: z.enum(NOTE_TYPE_FILTERS).optional(),
  time: z.enum(TIME_FILTERS).optional(),
};

/** A topic page and its sort: a crawl seed adds `limit` to it, a watch takes it as it is. */
export const topicPageFields = { pageId: TopicRef, sort: z.enum(TOPIC_SORTS).optional() };
