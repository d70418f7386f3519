/**
 * The frame every endpoint normalizer runs in: split the envelope, stop at an inner failure, give the body a
 * drift reporter and the request's parameters. Also the paging helpers several series share.
 */
import type { NormalizeContext, NormalizedPage, Normalizer } from "../types.js";
import { driftReporter, failedPage, layers, structList, structObj } from "./envelope.js";
import { type Field, hasValue, isObj, type Keys, keys, type Obj, pickId, pickInt, pickValue } from "./pick.js";
import type { BuildScope } from "./records.js";

export interface Answer extends BuildScope {
  envelope: Obj;
  wrapper: Obj | undefined;
  payload: unknown;
  params: Record<string, string>;
  /** Reports each of `fields` missing from `source` as drift at `path.field` ("a|b": either name will do). */
  expect: (source: unknown, path: string, fields: readonly Field[]) => void;
  /** `value` as an object (undefined when missing; ShapeError when another type). */
  object: (value: unknown, path: string) => Obj | undefined;
  /** `value` as an array of objects (undefined when missing; ShapeError when another type or a non-object element). */
  objects: (value: unknown, path: string) => Obj[] | undefined;
}

export function defineNormalizer(body: (answer: Answer) => NormalizedPage): Normalizer {
  return (raw: unknown, context: NormalizeContext) => {
    const { envelope, wrapper, payload, failure } = layers(raw, context);
    if (failure) return failedPage(failure);
    const drift = driftReporter(context);
    return body({
      context,
      drift,
      envelope,
      wrapper,
      payload,
      params: context.params,
      expect: (source, path, fields) => {
        for (const field of fields) if (!hasValue(source, field.keys)) drift(`${path}.${field.name}`);
      },
      object: (value, path) => structObj(context, value, path),
      objects: (value, path) => structList(context, value, path),
    });
  };
}

const CURSOR = keys("cursor");
const INDEX = keys("index");
const PAGE_AREA = keys("pageArea", "page_area");
const NEXT_PAGE = keys("next_page");
const PAGE = keys("page");

/**
 * The next-page parameters of App comment endpoints from the answer's `cursor`: a JSON string
 * `{"cursor","index","pageArea"}` is spread into those parameters; a plain id is sent as `cursor` with
 * `index` advanced by one from the request's (first request: `firstIndex`). Null when there is no cursor.
 */
export function appCommentNext(
  cursor: unknown,
  params: Record<string, string>,
  firstIndex: number,
): Record<string, string> | null {
  const previousIndex = Number.parseInt(params.index ?? "", 10);
  const advanced = String((Number.isFinite(previousIndex) ? previousIndex : firstIndex) + 1);
  if (typeof cursor !== "string" || cursor.trim() === "") return null;
  if (cursor.trimStart().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(cursor);
    } catch {
      return { cursor, index: advanced };
    }
    if (!isObj(parsed)) return { cursor, index: advanced };
    const next: Record<string, string> = { cursor: pickId(parsed, CURSOR) ?? "" };
    const index = pickInt(parsed, INDEX);
    next.index = index !== null ? String(index) : advanced;
    const area = pickValue(parsed, PAGE_AREA);
    if (typeof area === "string" && area !== "") next.pageArea = area;
    return next;
  }
  return { cursor, index: advanced };
}

/** A string for a next-page parameter (numbers as decimal strings), or null. */
export function param(value: unknown): string | null {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

/** Next page number: the answer's `next_page`, else its `page` + 1, else the request's `page` + 1 (first = 1). */
export function nextPageNumber(sources: unknown[], params: Record<string, string>): string {
  for (const source of sources) {
    const next = pickInt(source, NEXT_PAGE);
    if (next !== null) return String(next);
  }
  for (const source of sources) {
    const current = pickInt(source, PAGE);
    if (current !== null) return String(current + 1);
  }
  const requested = Number.parseInt(params.page ?? "", 10);
  return String((Number.isFinite(requested) ? requested : 1) + 1);
}

/** The first of `names` found in any of `sources` (the wrapper first: search ids sit there, not in the payload). */
export function firstId(sources: unknown[], names: Keys): string | null {
  for (const source of sources) {
    const value = pickId(source, names);
    if (value !== null) return value;
  }
  return null;
}

/** Sets `key` in `target` when `value` is known. */
export function setIf(target: Record<string, string>, key: string, value: string | null): void {
  if (value !== null) target[key] = value;
}
