/**
 * The gate in front of every TikHub route, in TikHub's order: the key (401), then the rate limits, the
 * key's and the endpoint's own (429), then the balance (402). Refusals at 429 and 402 are in the ledger.
 */

import { insufficientBalance, type SimAnswer, tooManyRequests, unauthorized } from "./answers.js";
import type { BillingLedger } from "./billing.js";
import { keyId } from "./billing.js";
import type { Budget } from "./fault-profile.js";
import type { KeyRateLimiter } from "./rate-limit.js";

/** What the gate reads: the service's state at the time of the request. */
export interface GateState {
  /** Valid keys; null: any non-empty key. */
  keys: ReadonlySet<string> | null;
  rateLimiter: KeyRateLimiter;
  ledger: BillingLedger;
  budget: Budget | undefined;
  now(): number;
}

export type Admission = { admitted: true; keyId: string } | { admitted: false; answer: SimAnswer };

/** Lets a request to `endpoint` through, or answers it. */
export function admit(
  gate: GateState,
  authorization: string | undefined,
  cookie: string | undefined,
  endpoint: string,
): Admission {
  const key = bearerKey(authorization, cookie);
  if (key === null || key === "" || (gate.keys !== null && !gate.keys.has(key))) {
    return { admitted: false, answer: unauthorized(key ?? "", gate.now()) };
  }
  const id = keyId(key);
  const verdict = gate.rateLimiter.take(id, endpoint);
  if (!verdict.allowed) {
    gate.ledger.record(id, endpoint, 429);
    return { admitted: false, answer: tooManyRequests(verdict.retryAfterSeconds) };
  }
  if (gate.ledger.exhausted(id, endpoint, gate.budget)) {
    gate.ledger.record(id, endpoint, 402);
    return { admitted: false, answer: insufficientBalance() };
  }
  return { admitted: true, keyId: id };
}

/** The key from `Authorization: Bearer <key>`, or from the cookie form `Authorization=Bearer <key>`. */
export function bearerKey(authorization: string | undefined, cookie: string | undefined): string | null {
  if (authorization !== undefined) {
    const m = /^\s*Bearer\s+(.*?)\s*$/i.exec(authorization);
    return m ? (m[1] ?? "") : authorization.trim() === "" ? null : "";
  }
  if (cookie) {
    for (const part of cookie.split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== "authorization") continue;
      let value = part.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep it raw
      }
      value = value.replace(/^"(.*)"$/, "$1");
      return bearerKey(value, undefined);
    }
  }
  return null;
}
