/**
 * The short name of an API key: the first 8 hex digits of its SHA-256. It tells keys of a pool apart in
 * logs, the ledger, stored rows and shared rate-limit buckets without revealing the key (the simulator's
 * billing ledger names keys the same way, so both sides agree on which key paid).
 */
import { createHash } from "node:crypto";

export const KEY_FINGERPRINT_LENGTH = 8;

export function keyFingerprint(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, KEY_FINGERPRINT_LENGTH);
}
