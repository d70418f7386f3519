/**
 * Scrubs secrets (the API key) from text before it is stored: raw answers, ledger reasons, job errors,
 * run stats and reports. Records themselves come from normalizers and never hold a key. The rules are the
 * kernel's one redactor (src/core/redact.ts): diagnostics (job errors, ledger reasons, run stats and reports)
 * also lose anything shaped like a credential; fetched data (raw answers, the plan) only the known secrets, so a
 * note that says "token: abc123" is stored as fetched.
 */
import { createRedactor, type Redactor } from "../core/redact.js";

export type Scrubber = Redactor;

/** The kernel's redactor over the store's secrets, for diagnostics. */
export function makeScrubber(secrets: readonly string[] = []): Scrubber {
  return createRedactor(secrets);
}

/** The same for fetched data: the known secrets only. */
export function makeDataScrubber(secrets: readonly string[] = []): Scrubber {
  return createRedactor(secrets, { credentialPatterns: false });
}

/** JSON.stringify then scrub; undefined becomes null. */
export function scrubbedJson(value: unknown, scrub: Scrubber): string {
  return scrub(JSON.stringify(value ?? null));
}
