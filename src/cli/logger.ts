/**
 * `--verbose` logging: one readable line per event on stderr, e.g.
 * `12:00:01.123 debug attempt endpoint=app_v2/get_image_note_detail outcome=ok http=200 ms=53`.
 * Every line passes the redactor (the API key, and any `Authorization`/`apiKey` field, never appear).
 */
import { createRedactor, isSecretField, REDACTED } from "../core/redact.js";
import type { Logger } from "../core/types.js";
import type { TextSink } from "./context.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Credential shapes (Bearer, the 令牌为 echo) are hidden whatever redactor the caller passes. */
const hideCredentials = createRedactor();

export interface CliLoggerOptions {
  level?: LogLevel;
  redact?: (text: string) => string;
  /** For tests; default the wall clock. */
  now?: () => Date;
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  try {
    return JSON.stringify(value, (key, v) => (isSecretField(key) ? REDACTED : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

export function createCliLogger(sink: TextSink, options: CliLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const redact = options.redact ?? ((text: string) => text);
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, msg: string, data?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    const fields = Object.entries(data ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${isSecretField(k) ? REDACTED : formatValue(v)}`);
    const line = [now().toISOString().slice(11, 23), level, msg, ...fields].join(" ");
    sink.write(`${hideCredentials(redact(line))}\n`);
  };
  return {
    debug: (msg, data) => log("debug", msg, data),
    info: (msg, data) => log("info", msg, data),
    warn: (msg, data) => log("warn", msg, data),
    error: (msg, data) => log("error", msg, data),
  };
}
