/**
 * Scrubs secrets (the API key) from text before it is stored: raw answers, ledger reasons, job errors,
 * run stats and reports. Records themselves come from normalizers and never hold a key. The rules are the
 * kernel's one redactor (src/core/redact.ts), so a stored row hides exactly what a log line hides.
 */
import { createRedactor, type Redactor } from "../core/redact.js";

export type Scrubber = Redactor;

/** The kernel's redactor over the store's secrets. */
export function makeScrubber(secrets: readonly string[] = []): Scrubber {
  return createRedactor(secrets);
}

/** JSON.stringify then scrub; undefined becomes null. */
export function scrubbedJson(value: unknown, scrub: Scrubber): string {
  return scrub(JSON.stringify(value ?? null));
}
