/**
 * Key redaction. TikHub's 401 body echoes the submitted key ("您提交的API令牌为 <KEY>"), so every text
 * that may carry an upstream body (error messages, log lines) goes through `redact` first.
 */

export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not searched for (replacing "a" everywhere would garble text). */
const MIN_SECRET_LENGTH = 6;

/**
 * A credential value: token characters (RFC 6750's b64token: letters, digits, `-._~+/`, then `=`
 * padding), a period only inside it. Not a placeholder such as `<XHS_SERVER_TOKEN>`, and not the
 * backtick, period or bracket of the sentence around it (a wider class garbled the server's 401 advice).
 */
const VALUE = String.raw`(?:[\w~+/-]|\.(?=[\w~+/-]))+=*`;

/** Patterns that carry a credential whatever its value: Bearer headers and TikHub's "your token is …" echo. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`(Bearer\s+)${VALUE}`, "gi"),
  new RegExp(String.raw`((?:令牌\s*(?:为|是|:|：)|(?<![\w-])token\s*[:=]|submitted\s+is)\s*)${VALUE}`, "gi"),
  // "Authorization: Bearer <placeholder>" is no credential: the word Bearer is never taken as the value.
  new RegExp(
    String.raw`((?:api[_-]?key|authorization)\s*["']?\s*[:=]\s*["']?(?:Bearer\s+)?)(?!Bearer\b)${VALUE}`,
    "gi",
  ),
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces each secret, and anything shaped like a credential, with "[REDACTED]". */
export function redact(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    out = out.replace(new RegExp(escapeRegExp(secret), "g"), REDACTED);
    // The key can also travel URL-encoded (a query string, a cookie).
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.replace(new RegExp(escapeRegExp(encoded), "g"), REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}

/** Redacts every string inside a JSON-like value (objects, arrays), returning a copy; cycles become "[Circular]". */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined | null)[] = []): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v, secrets);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return "[Circular]";
    seen.add(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Error) return redact(`${v.name}: ${v.message}`, secrets);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) {
      out[k] = /^(authorization|api[_-]?key|apikey|token)$/i.test(k) ? REDACTED : walk(inner);
    }
    return out;
  };
  return walk(value) as T;
}
