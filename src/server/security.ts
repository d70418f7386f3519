/**
 * Who may talk to the server: the bind rule (loopback unless a token is set), the Bearer token check,
 * and the Origin and Fetch Metadata checks that stop a web page in the user's browser from calling a
 * local server (every call may cost money; DNS rebinding and plain cross-site GETs are the threats).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { InvalidInputError } from "../core/errors.js";
import { fetchSiteAllowed, isLoopbackHost, originAllowed } from "../core/hosts.js";

/** Loopback hosts: one rule with the simulator's (src/transport/hosts.ts). */
export { isLoopbackHost };

/** Listening anywhere but loopback without a token would expose a paid API key to the network. */
export class UnsafeBindError extends InvalidInputError {}

/** Refuses a non-loopback address unless a server token is configured. */
export function assertSafeBind(host: string, token: string | undefined): void {
  if (isLoopbackHost(host)) return;
  if (token && token.length > 0) {
    if (token.length < 16) {
      throw new UnsafeBindError(
        `XHS_SERVER_TOKEN is too short to guard ${host}: use at least 16 random characters (e.g. \`openssl rand -hex 24\`).`,
      );
    }
    return;
  }
  throw new UnsafeBindError(
    `refusing to listen on ${host}: anyone who can reach it could spend your TikHub balance. ` +
      "Set XHS_SERVER_TOKEN to a long random secret (e.g. `export XHS_SERVER_TOKEN=$(openssl rand -hex 24)`); clients then send " +
      "`Authorization: Bearer <token>`. Or keep the default --host 127.0.0.1.",
  );
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Constant-time comparison of the Authorization header against `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** The browser checks (Origin, Fetch Metadata): one rule with the simulator's (src/transport/hosts.ts). */
export { fetchSiteAllowed, originAllowed };
