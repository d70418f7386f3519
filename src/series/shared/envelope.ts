/**
 * The three layers of a TikHub answer: the envelope (`code: 200`, `params`, `data`), the upstream wrapper
 * (`data`: `{code, success, msg, data}`) and the payload (`data.data`). This module finds the wrapper and the
 * payload, reads the inner status and raises the typed ShapeError when a layer is not an object.
 */
import { ShapeError } from "../../core/errors.js";
import type { AnswerStatus, NormalizeContext, NormalizedItem, NormalizedPage } from "../types.js";
import { isObj, type Obj } from "./pick.js";

/** Throws the typed shape error, carrying the endpoint and series of the context. */
export function shapeError(context: NormalizeContext, path: string, expected: string): never {
  throw new ShapeError(`Unexpected answer shape from ${context.endpoint.name}: ${path} is not ${expected}`, {
    endpoint: context.endpoint.name,
    series: context.endpoint.series,
    path,
  });
}

/** `value` as an object, undefined when missing or null; any other type is a ShapeError at `path`. */
export function structObj(context: NormalizeContext, value: unknown, path: string): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObj(value)) return value;
  return shapeError(context, path, "an object");
}

/** `value` as an array of objects, undefined when missing or null; anything else is a ShapeError. */
export function structList(context: NormalizeContext, value: unknown, path: string): Obj[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return shapeError(context, path, "an array");
  return value.map((element, index) =>
    isObj(element) ? element : shapeError(context, `${path}[${index}]`, "an object"),
  );
}

export interface Layers {
  envelope: Obj;
  /** The upstream wrapper (`data`); undefined when the envelope has none. */
  wrapper: Obj | undefined;
  /** The payload (`data.data`), unchecked: each normalizer knows what it must be. */
  payload: unknown;
  /** Inner failure status, or null when the wrapper says nothing is wrong. */
  failure: AnswerStatus | null;
}

const OK_CODES = new Set([0, 200, 1000]);

/**
 * Messages that prove a deletion or a nonexistent id. "当前笔记暂时无法浏览" is deliberately absent: it also
 * means a bad or expired xsec_token (docs/decisions.md), and "服务异常" is App V2's answer to many things.
 */
const NOT_FOUND = /不存在|已删除|已被删除|被删除|已失效|-510000|not\s*found|does\s*not\s*exist|has been deleted/i;
const NOT_FOUND_CODES = new Set([-510000, 404]);

function messageOf(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value;
  if (isObj(value)) {
    const inner = value.message ?? value.msg;
    if (typeof inner === "string" && inner !== "") return inner;
    try {
      return JSON.stringify(value);
    } catch {
      return null;
    }
  }
  return null;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Reads the inner status of an upstream wrapper (or of `data.result` when the wrapper nests one). */
export function innerFailure(wrapper: Obj): AnswerStatus | null {
  const success = wrapper.success;
  const code = numeric(wrapper.code);
  const result = numeric(wrapper.result);
  const nested = isObj(wrapper.data) && isObj(wrapper.data.result) ? wrapper.data.result : undefined;
  const nestedFailed = nested !== undefined && nested.success === false;
  const failed =
    success === false ||
    success === "false" ||
    (success !== true && code !== undefined && !OK_CODES.has(code)) ||
    (success !== true && result !== undefined && result !== 0) ||
    nestedFailed;
  if (!failed) return null;
  const message =
    messageOf(wrapper.msg) ??
    messageOf(wrapper.message) ??
    (nested ? (messageOf(nested.message) ?? messageOf(nested.msg)) : null);
  const nestedCode = nested ? numeric(nested.code) : undefined;
  const notFound =
    (message !== null && NOT_FOUND.test(message)) ||
    (code !== undefined && NOT_FOUND_CODES.has(code)) ||
    (nestedCode !== undefined && NOT_FOUND_CODES.has(nestedCode));
  return { ok: false, reason: "inner_failure", message, notFound };
}

/** Splits an envelope into its layers. The envelope and the wrapper must be objects (else ShapeError). */
export function layers(raw: unknown, context: NormalizeContext): Layers {
  if (!isObj(raw)) return shapeError(context, "$", "an object (the TikHub envelope)");
  const wrapper = structObj(context, raw.data, "data");
  const failure = wrapper ? innerFailure(wrapper) : null;
  return { envelope: raw, wrapper, payload: wrapper?.data, failure };
}

export const EMPTY: AnswerStatus = { ok: false, reason: "empty" };
export const OK: AnswerStatus = { ok: true };

/**
 * Assembles a page. An empty item list is reported as `empty` (the layer above decides whether that ends a
 * list or fails a call); `next` is dropped when the answer says there is no more or the page is empty.
 */
export function page<T extends NormalizedItem>(
  items: T[],
  hasMore: boolean | null,
  next: Record<string, string> | null,
): NormalizedPage {
  const end = hasMore === false || items.length === 0;
  return { items, hasMore, next: end ? null : next, status: items.length > 0 ? OK : EMPTY };
}

/** The page of an inner failure: nothing to show, nothing to follow. */
export function failedPage(status: AnswerStatus): NormalizedPage {
  return { items: [], hasMore: null, next: null, status };
}

/** Reports each missing expected field once per answer (the path names the field's place, not its index). */
export function driftReporter(context: NormalizeContext): (path: string) => void {
  const seen = new Set<string>();
  return (path) => {
    if (seen.has(path) || !context.onDrift) return;
    seen.add(path);
    context.onDrift(path);
  };
}
