/**
 * Scrubs secrets (the API key) from text before it is stored: raw answers, ledger reasons, job errors,
 * run stats and reports. Records themselves come from normalizers and never hold a key.
 */
const REDACTED = "[redacted]";
/** Shorter strings would scrub ordinary words: a real key is much longer. */
const MIN_SECRET_LENGTH = 8;

export type Scrubber = (text: string) => string;

export function makeScrubber(secrets: readonly string[] = []): Scrubber {
  const needles = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let out = text;
    for (const needle of needles) {
      if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    }
    // Whatever the key, never keep a bearer credential.
    return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`);
  };
}

/** JSON.stringify then scrub; undefined becomes null. */
export function scrubbedJson(value: unknown, scrub: Scrubber): string {
  return scrub(JSON.stringify(value ?? null));
}
