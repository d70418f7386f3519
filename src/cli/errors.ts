/**
 * Turns any error into a message that says what to do, plus the documented exit code.
 * The message goes through the context's redactor before it is printed: the key never reaches stderr.
 */
import { AllSeriesFailedError, AuthError, InvalidInputError, isXhsError, type XhsError } from "../core/errors.js";
import { LeaseLostError } from "../store/errors.js";
import { EXIT, type ExitCode, exitCodeFor } from "./exit-codes.js";
import { terminalText } from "./terminal-text.js";

/** A bad command line, argument, path or file detected by the CLI itself, before anything is paid. */
export class UsageError extends InvalidInputError {}

/** No key against TikHub itself: an auth error (exit 3) raised before any call. */
export class MissingApiKeyError extends AuthError {}

/** TIKHUB_API_KEY cannot be a key (a line break, a space, a non-ASCII character): exit 3 before any call. */
export class InvalidApiKeyError extends AuthError {}

export interface DescribedError {
  message: string;
  exitCode: ExitCode;
}

function where(error: XhsError): string {
  const parts: string[] = [];
  if (error.endpoint) parts.push(`endpoint ${error.endpoint}`);
  else if (error.series) parts.push(`series ${error.series}`);
  if (error.httpStatus !== undefined) parts.push(`HTTP ${error.httpStatus}`);
  if (error.requestId) parts.push(`request id ${error.requestId}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** What the user should do next, per error kind. */
function advice(error: XhsError): string {
  switch (error.kind) {
    case "auth":
      return (
        "Check the key (TIKHUB_API_KEY, or each key of TIKHUB_API_KEYS / --keys-file): it is missing, mistyped or " +
        "revoked (keys: https://user.tikhub.io)."
      );
    case "permission":
      return "The API key lacks the scope for this endpoint: enable the Xiaohongshu endpoints for the key in TikHub's dashboard.";
    case "payment":
      return "Top up the TikHub balance (https://user.tikhub.io), then run the command again.";
    case "rate_limited":
      return "TikHub is rate limiting this key: wait a minute, or lower --qps.";
    case "invalid_input":
      return "Fix the value and run again (see --help); nothing was paid for it.";
    case "not_found":
      return "Check the id or link; the item may have been deleted or made private.";
    case "budget":
      return "Raise --max-calls / --max-cost to continue.";
    case "aborted":
      return "";
    case "timeout":
      return "Try again, raise --timeout, or pick another series with --series.";
    default:
      return "Every eligible series failed: try again later, or pick another order with --series.";
  }
}

function headline(error: XhsError): string {
  switch (error.kind) {
    case "auth":
      return `Authentication failed: ${error.message}`;
    case "permission":
      return `Permission denied: ${error.message}`;
    case "payment":
      return `Payment required: ${error.message}`;
    case "invalid_input":
      return `Invalid input: ${error.message}`;
    case "not_found":
      return `Not found: ${error.message}`;
    case "budget":
      // The library's message already says "budget reached: …": one headline, not two.
      return `Budget reached: ${error.message.replace(/^budget reached:\s*/i, "")}`;
    case "aborted":
      return "Interrupted.";
    default:
      return error.message;
  }
}

/** What an errno (or SQLite) code means for a user, for the errors a full or read-only disk gives. */
const IO_CODES: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
  EFBIG: "the file is too large for the file system",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EIO: "the disk reported an input/output error",
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  EMFILE: "too many open files",
  ENFILE: "too many open files",
  ENAMETOOLONG: "the path is too long",
  SQLITE_FULL: "the disk is full",
  SQLITE_READONLY: "the database cannot be written (read-only file or file system)",
  SQLITE_IOERR: "the disk reported an input/output error",
  SQLITE_CANTOPEN: "the database file cannot be opened (missing folder or no permission)",
};

function ioMeaning(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  // SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…) share their base code's meaning.
  return IO_CODES[code] ?? IO_CODES[code.replace(/^(SQLITE_[A-Z]+?)_.*$/, "$1")];
}

/** An error from the file system or the database file (a full or read-only disk…): exit 2, not a bug. */
export function isIoError(error: unknown): boolean {
  return error instanceof Error && !isXhsError(error) && ioMeaning(error) !== undefined;
}

/** The library's option names in its messages, as the CLI spells them (its flags, its environment). */
const CLI_WORDS: readonly (readonly [RegExp, string])[] = [
  [/\bacceptDegraded(: ?true)?/g, "--accept-degraded"],
  [/\bmaxRepliesPerThread\b/g, "--max-replies"],
  [/\bwithReplies(: ?true)?/g, "--replies"],
  [/\bmaxCostUsd\b/g, "--max-cost"],
  [/\bmaxCalls\b/g, "--max-calls"],
  [/\btimeoutMs\b/g, "--timeout"],
  [/ or pass apiKey\b/g, ""],
  // Capabilities by the command that uses them.
  [/\bsearchNotes\b/g, "`search notes`"],
  [/\bsearchUsers\b/g, "`search users`"],
  [/\buserNotes\b/g, "`user-notes`"],
  [/\buserFavorites\b/g, "`favorites`"],
  [/\btopicNotes\b/g, "`topic --notes`"],
];

/** Rewrites library words (`acceptDegraded: true`) into the CLI's (`--accept-degraded`). */
export function cliWords(text: string): string {
  let out = text;
  for (const [pattern, replacement] of CLI_WORDS) out = out.replace(pattern, replacement);
  return out;
}

export function describeError(error: unknown, options: { verbose?: boolean } = {}): DescribedError {
  if (error instanceof UsageError) return { message: `error: ${error.message}`, exitCode: EXIT.usage };
  if (error instanceof MissingApiKeyError || error instanceof InvalidApiKeyError)
    return { message: `error: ${error.message}`, exitCode: EXIT.auth };
  // A lost lease that escapes a crawl is a bug or a lost worker, not an interruption: described as one.
  if (isXhsError(error) && !(error instanceof LeaseLostError)) {
    const lines = [`error: ${headline(error)}${error.kind === "aborted" ? "" : where(error)}`];
    if (error instanceof AllSeriesFailedError) {
      for (const attempt of error.attempts) {
        lines.push(`  ${attempt.series ?? "?"}: ${attempt.kind}: ${attempt.message}${where(attempt)}`);
      }
    }
    const hint = advice(error);
    if (hint) lines.push(hint);
    if (options.verbose && error.stack) lines.push(error.stack);
    // Messages may quote upstream text: nothing in them may drive the terminal.
    return { message: lines.map((line) => terminalText(cliWords(line))).join("\n"), exitCode: exitCodeFor(error.kind) };
  }
  const text = error instanceof Error ? error.message : String(error);
  const io = isIoError(error) ? ioMeaning(error) : undefined;
  if (io !== undefined) {
    const file = (error as { path?: unknown }).path;
    const lines = [`error: I/O error${typeof file === "string" ? ` on ${file}` : ""}: ${io} (${text})`];
    lines.push(
      "Free some space or pick a writable place (-o, --db), then run again; a crawl resumes where it stopped.",
    );
    if (options.verbose && error instanceof Error && error.stack) lines.push(error.stack);
    return { message: lines.join("\n"), exitCode: EXIT.usage };
  }
  const lines = [`error: ${text}`];
  if (options.verbose && error instanceof Error && error.stack) lines.push(error.stack);
  else lines.push("This looks like a bug in xhs-kit; run again with --verbose and report the output.");
  return { message: lines.join("\n"), exitCode: EXIT.internal };
}
