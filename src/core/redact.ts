/**
 * The one redactor. TikHub's 401 body echoes the submitted key ("您提交的API令牌为 <KEY>"), so every text
 * that may carry an upstream body (error messages, log lines, stored rows, CLI output) goes through it.
 * Rules, the union of what the store, the CLI, its logger and the transport each used to apply:
 * each secret and its URL-encoded form, Bearer credentials, the "令牌为"/"token:" echo, `api_key=`-style
 * assignments, and whole values under secret-named fields.
 */

/** The one marker that stands where a secret was. */
export const REDACTED = "[REDACTED]";

/**
 * Secrets shorter than this are not searched for (replacing "a" everywhere would garble text). 4 is the
 * lowest any surface used (the CLI's): a higher floor would let a short key through where it is hidden today.
 */
export const MIN_SECRET_LENGTH = 4;

/** Field names whose values are secrets whatever they hold. */
const SECRET_FIELD = /^(authorization|api[-_]?key|apikey|token|x-api-key|password|secret)$/i;

/** True for a field name whose value is a secret whatever it holds (`authorization`, `apiKey`, …). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/**
 * A credential value: token characters (RFC 6750's b64token: letters, digits, `-._~+/`, then `=`
 * padding), a period only inside it. Not a placeholder such as `<XHS_SERVER_TOKEN>`, and not the
 * backtick, period or bracket of the sentence around it (a wider class garbled the server's 401 advice).
 */
const VALUE = String.raw`(?:[\w~+/-]|\.(?=[\w~+/-]))+=*`;

/**
 * After an English label, a value that is one plain word ("Bearer token required") is prose, not a
 * credential: a key has digits or punctuation (a known key is replaced whatever it holds).
 */
const NOT_A_WORD = String.raw`(?![A-Za-z]+(?![\w~+/.=-]))`;

/** Patterns that carry a credential whatever its value: Bearer headers and TikHub's "your token is …" echo. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`(Bearer\s+)${NOT_A_WORD}${VALUE}`, "gi"),
  // TikHub's Chinese echo is never followed by prose: whatever follows it is the key.
  new RegExp(String.raw`(令牌\s*(?:为|是|:|：)\s*)${VALUE}`, "gi"),
  new RegExp(String.raw`((?:(?<![\w-])token\s*[:=]|submitted\s+is)\s*)${NOT_A_WORD}${VALUE}`, "gi"),
  // "Authorization: Bearer <placeholder>" is no credential: the word Bearer is never taken as the value.
  new RegExp(
    String.raw`((?:api[_-]?key|authorization)\s*["']?\s*[:=]\s*["']?(?:Bearer\s+)?)(?!Bearer\b)${NOT_A_WORD}${VALUE}`,
    "gi",
  ),
];

/** Replaces each known secret, and anything shaped like a credential, with {@link REDACTED}. */
export type Redactor = (text: string) => string;

type Secrets = readonly (string | undefined | null)[];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface RedactorOptions {
  /**
   * Also hide values shaped like credentials (Bearer, "token:", "api_key=", the 令牌为 echo) whoever they
   * belong to. Default true, for diagnostics: logs, errors, problems. False where the text is fetched data
   * (records on stdout, stored raw answers): a note that says "token: abc123" is the user's data, kept as
   * fetched, and only the known secrets are hidden there.
   */
  credentialPatterns?: boolean;
}

/** Builds the redactor for these secrets once (the needles are sorted and compiled up front). */
export function createRedactor(secrets: Secrets = [], options: RedactorOptions = {}): Redactor {
  const patterns = options.credentialPatterns === false ? [] : CREDENTIAL_PATTERNS;
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.trim().length < MIN_SECRET_LENGTH) continue;
    needles.add(secret);
    // The key can also travel URL-encoded (a query string, a cookie).
    needles.add(encodeURIComponent(secret));
  }
  // Longest first, so a key that contains another secret is replaced whole.
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  const needlePattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : undefined;
  return (text) => {
    let out = needlePattern ? text.replace(needlePattern, REDACTED) : text;
    for (const pattern of patterns) out = out.replace(pattern, `$1${REDACTED}`);
    return out;
  };
}

/** One-off form of {@link createRedactor}: prefer building the redactor once where it is called often. */
export function redact(text: string, secrets: Secrets = []): string {
  return createRedactor(secrets)(text);
}

/** Redacts every string inside a JSON-like value with `redactor`, returning a copy; cycles become "[Circular]". */
export function redactValue<T>(value: T, redactor: Redactor): T {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redactor(v);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return "[Circular]";
    seen.add(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Error) return redactor(`${v.name}: ${v.message}`);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) out[k] = isSecretField(k) ? REDACTED : walk(inner);
    return out;
  };
  return walk(value) as T;
}

/** Redacts every string inside a JSON-like value (objects, arrays), returning a copy; cycles become "[Circular]". */
export function redactDeep<T>(value: T, secrets: Secrets = []): T {
  return redactValue(value, createRedactor(secrets));
}
