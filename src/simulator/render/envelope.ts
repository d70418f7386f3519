/**
 * The TikHub envelope around every answer, and the JSON text helpers for integers beyond 2^53.
 * Strings as in a real capture (docs/reference-notes.md#envelope-and-success; the reference's web comments sample).
 */
import { randomUUID } from "node:crypto";
import { API_PREFIX } from "../../catalog/endpoints.js";
import { hexN } from "../world/random.js";

const MESSAGE = "Request successful. This request will incur a charge.";
const MESSAGE_ZH = "请求成功，本次请求将被计费。";
const SUPPORT = "Discord: https://discord.gg/aMEAS8Xsvz";
const TIME_ZONE = "America/Los_Angeles";
const CACHE_MESSAGE =
  "This request will be cached. You can access the cached result directly using the URL below, valid for 24 hours. Accessing the cache will not incur additional charges.";
const CACHE_MESSAGE_ZH =
  "本次请求将被缓存，你可以使用下面的 URL 直接访问缓存结果，有效期为 24 小时，访问缓存不会产生额外费用。";

const DOCS_GROUP: Record<string, string> = {
  app_v2: "Xiaohongshu-App-V2-API",
  app: "Xiaohongshu-App-API",
  web_v3: "Xiaohongshu-Web-V3-API",
};

const laFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
let lastSecond = -1;
let lastText = "";

/** "2026-02-05 18:04:02" in America/Los_Angeles (cached per second: formatting is the slow part). */
export function tikhubTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const p: Record<string, string> = {};
    for (const part of laFormat.formatToParts(new Date(second * 1000))) p[part.type] = part.value;
    lastText = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    lastSecond = second;
  }
  return lastText;
}

/** The endpoint's Swagger anchor, as TikHub's `docs` field gives it. */
export function docsUrl(endpoint: string): string {
  const [series = "", tail = ""] = endpoint.split("/");
  const operation = `${tail}_api_v1_xiaohongshu_${series}_${tail}_get`;
  return `https://api.tikhub.io/#/${DOCS_GROUP[series] ?? series}/${operation}`;
}

/** Query parameters echoed as strings, as TikHub does (`"page":"1"`). */
export function echoParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = String(v);
  return out;
}

/** The full success envelope around a series' inner wrapper. `endpoint` is the catalogue name ("app_v2/search_notes"). */
export function envelope(
  endpoint: string,
  params: Record<string, string>,
  data: unknown,
  nowMs: number,
): Record<string, unknown> {
  const requestId = randomUUID();
  return {
    code: 200,
    request_id: requestId,
    message: MESSAGE,
    message_zh: MESSAGE_ZH,
    support: SUPPORT,
    time: tikhubTime(nowMs),
    time_stamp: Math.floor(nowMs / 1000),
    time_zone: TIME_ZONE,
    docs: docsUrl(endpoint),
    cache_message: CACHE_MESSAGE,
    cache_message_zh: CACHE_MESSAGE_ZH,
    cache_url: `https://cache.tikhub.io/api/v1/cache/public/${requestId}?sign=${hexN(64, requestId)}`,
    router: `${API_PREFIX}${endpoint}`,
    params: echoParams(params),
    data,
  };
}

/**
 * The JSON text of the envelope up to its `data` value (`{"code":200,…,"data":`): followed by the payload's
 * JSON text and "}", it is the same text as serializing `envelope(endpoint, params, data, nowMs)`.
 */
export function envelopeHead(
  endpoint: string,
  params: Record<string, string>,
  nowMs: number,
): { head: string; requestId: string } {
  const body = envelope(endpoint, params, null, nowMs);
  const text = JSON.stringify(body);
  // `data` is the envelope's last field: cut `null}` off `…,"data":null}`.
  return { head: text.slice(0, -"null}".length), requestId: body.request_id as string };
}

// ------------------------------------------------------------------ integers beyond 2^53

const BIG_MARK = "__xhs_sim_bigint__";
const BIG_PATTERN = /"__xhs_sim_bigint__(-?\d+)"/g;

/**
 * An integer that must appear in the JSON text as a bare number of all its digits (e.g. an 18-digit
 * video_id): a placeholder string that `serializeBody` turns into the raw digits.
 */
export function bigInt(digits: string): string {
  bigIntsMade++;
  return `${BIG_MARK}${digits}`;
}

let bigIntsMade = 0;
/** How many `bigInt` placeholders were made so far: the core compares it around a render to skip work. */
export function bigIntCount(): number {
  return bigIntsMade;
}

/** Whether a body built with `bigInt` placeholders needs `serializeBody` (cheap check on the text). */
export function containsBigInt(text: string): boolean {
  return text.includes(BIG_MARK);
}

/** JSON text of a body, with `bigInt` placeholders written as raw numbers. */
export function serializeBody(body: unknown): string {
  if (typeof body === "string") return body;
  const text = JSON.stringify(body);
  return text.includes(BIG_MARK) ? text.replace(BIG_PATTERN, "$1") : text;
}
