/**
 * The `xhs` command's exit codes (documented in the README). Scripts rely on them: never renumber.
 */
import type { ErrorKind } from "../core/errors.js";

export const EXIT = {
  ok: 0,
  /** A bug or an error with no better code. */
  internal: 1,
  /** Bad command line, option value, ref, plan file or path: nothing was paid. */
  usage: 2,
  /** The API key is missing, wrong or lacks permission. */
  auth: 3,
  /** TikHub says the balance is insufficient. */
  payment: 4,
  /** The note, user, comment or topic does not exist (or was deleted). */
  notFound: 5,
  /** Some items were fetched, some failed or a budget stopped the run: the output is incomplete. */
  partial: 6,
  /** Every eligible series failed (upstream trouble, timeouts, wrong answers). */
  upstream: 7,
  /** Interrupted (Ctrl-C / SIGTERM); a crawl can be resumed. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error kind. */
export function exitCodeFor(kind: ErrorKind): ExitCode {
  switch (kind) {
    case "auth":
    case "permission":
      return EXIT.auth;
    case "payment":
      return EXIT.payment;
    case "invalid_input":
      return EXIT.usage;
    case "not_found":
      return EXIT.notFound;
    case "budget":
      return EXIT.partial;
    case "aborted":
      return EXIT.interrupted;
    default:
      return EXIT.upstream;
  }
}
