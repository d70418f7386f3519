/**
 * Values inside a series' payload that change with every request (they follow the request's clock), kept
 * apart from the rest so the rest can be serialized once and reused (see payload-cache.ts).
 *
 * A renderer writes a placeholder (`nowField("ms")`) where such a value goes; the core serializes the
 * payload, splits the JSON text at the placeholders into a template, and fills them for each request.
 * The filled text is exactly what serializing the payload with the real values would give.
 */
import { randomUUID } from "node:crypto";
import type { World } from "../world/world.js";

/**
 * - `ms`: the request time in ms, as a JSON number (Web V3 `time`, `current_time`).
 * - `ms-text`: the same as a JSON string (App V2 topic feed `first_load_time` when none is given).
 * - `debug-id`: App V2's per-request `debug_id`, 8 hex digits derived from the time and the endpoint.
 */
export type NowField = "ms" | "ms-text" | "debug-id";
const FIELDS: readonly NowField[] = ["ms", "ms-text", "debug-id"];

// A per-process random part, so no text a client sends (echoed in a payload) can pass for a placeholder.
const MARK = `__xhs_sim_now_${randomUUID().slice(0, 8)}__`;
const PLACEHOLDER = new RegExp(`"${MARK}(${FIELDS.join("|")})"`, "g");

/** The placeholder for a per-request value (a string in the payload object, replaced with its quotes). */
export function nowField(field: NowField): string {
  return `${MARK}${field}`;
}

/**
 * A payload's JSON text split at its per-request values: texts[0] field[0] texts[1] … texts[n], kept both
 * as text and as UTF-8 bytes (encoding 10–100 KB of Chinese text per request cost more than the rest).
 */
export interface DataTemplate {
  texts: readonly string[];
  chunks: readonly Buffer[];
  fields: readonly NowField[];
  /** Approximate memory held, in bytes (2 per UTF-16 unit of text plus the UTF-8 bytes). */
  size: number;
}

export function compileTemplate(json: string): DataTemplate {
  const texts: string[] = [];
  const fields: NowField[] = [];
  let last = 0;
  for (const m of json.matchAll(PLACEHOLDER)) {
    texts.push(json.slice(last, m.index));
    fields.push(m[1] as NowField);
    last = m.index + m[0].length;
  }
  texts.push(last === 0 ? json : json.slice(last));
  const chunks = texts.map((text) => Buffer.from(text, "utf8"));
  let size = 0;
  for (let i = 0; i < texts.length; i++) size += 2 * (texts[i]?.length ?? 0) + (chunks[i]?.length ?? 0);
  return { texts, chunks, fields, size };
}

/** What fills the fields of one request. */
export interface RequestClock {
  nowMs: number;
  world: World;
  /** Catalogue name ("app_v2/search_notes"): App V2's debug_id depends on it. */
  endpoint: string;
}

/** The JSON text of one per-request value. */
function fieldJson(field: NowField, clock: RequestClock): string {
  switch (field) {
    case "ms":
      return JSON.stringify(clock.nowMs);
    case "ms-text":
      return JSON.stringify(String(clock.nowMs));
    case "debug-id":
      return `"${clock.world.hex8("debug", clock.nowMs, clock.endpoint)}"`;
  }
}

/**
 * One request's payload, appended to `head` (text) and `parts` (bytes): the JSON text with the
 * per-request values filled in, in both forms.
 */
export function fillTemplate(template: DataTemplate, clock: RequestClock, head: string, parts: Buffer[]): string {
  const { texts, chunks, fields } = template;
  let text = head + (texts[0] ?? "");
  parts.push(chunks[0] as Buffer);
  for (let i = 0; i < fields.length; i++) {
    const value = fieldJson(fields[i] as NowField, clock);
    text += value + (texts[i + 1] ?? "");
    parts.push(Buffer.from(value, "utf8"), chunks[i + 1] as Buffer);
  }
  return text;
}
