/**
 * What every command runs with: the streams, the environment, the fetch and the client factory.
 * `main(argv, io)` builds one per run, so tests inject streams, env and fetch without patching globals.
 */
import type { ClientOptions, XhsClient } from "../client/types.js";
import { createRedactor } from "../core/redact.js";
import { splitKeyList } from "../transport/api-keys.js";

/** A stream the CLI writes text to (process.stdout, a file, or a test buffer). */
export interface TextSink {
  write(chunk: string): boolean;
  once?(event: "drain", listener: () => void): unknown;
  /** A real stream's `error` events (EPIPE when the reader of a pipe goes away). */
  on?(event: "error", listener: (error: Error) => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What a caller of `main` may inject; anything left out comes from `process`. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  /** Passed to the client (e.g. the simulator's in-process fetch). */
  fetch?: typeof globalThis.fetch;
  /** Aborts the running command (Ctrl-C). Without one, `main` listens to SIGINT/SIGTERM itself. */
  signal?: AbortSignal;
  /** Builds the client; default: the library's `createClient`. */
  createClient?: (options: ClientOptions) => XhsClient | Promise<XhsClient>;
  /** Working directory for relative paths (default process.cwd()). */
  cwd?: string;
}

export interface CliContext {
  /** Data only. Every write is redacted (the API key never reaches a stream). */
  readonly stdout: TextSink;
  /** Progress, logs, warnings, errors. Redacted too. */
  readonly stderr: TextSink;
  readonly env: Record<string, string | undefined>;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly signal: AbortSignal;
  readonly createClient: ((options: ClientOptions) => XhsClient | Promise<XhsClient>) | undefined;
  readonly cwd: string;
  /** Replaces every secret (the API keys) in a string. Apply it to anything written outside stdout/stderr. */
  redact(text: string): string;
  /**
   * Every TikHub key this run may send (TIKHUB_API_KEY, TIKHUB_API_KEYS, a `--keys-file`'s once read): give
   * them to whatever stores or prints text (a store's `secrets`).
   */
  readonly secrets: readonly string[];
  /** Adds keys to hide from every stream and redaction from now on (a keys file's, once read). */
  addSecrets(keys: readonly string[]): void;
  /** The redactor for fetched data (stdout, -o files): the known secrets only. */
  redactData(text: string): string;
  /** Set by a command that ends without throwing but not cleanly (e.g. EXIT.partial). */
  exitCode: number | undefined;
  /** True once --verbose is seen, so the error printer can add detail. */
  verbose: boolean;
  /**
   * Set when stdout (or an `-o` pipe) can no longer be written: `closed` when its reader went away
   * (`xhs … | head`: stop quietly, pay for nothing more), else the write error (a full disk: exit 2).
   */
  readonly outputFailure: { closed: true } | { closed: false; error: Error } | undefined;
  /** Records that the output failed and aborts the command (`signal` fires), so no more is paid. */
  outputFailed(error: unknown): void;
}

const CLOSED_PIPE_CODES = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ECONNRESET"]);

/** True for the error a write gets when the reader of a pipe has gone away. */
export function isClosedPipeError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (error instanceof Error && error.name === "OutputClosedError") ||
    (typeof code === "string" && CLOSED_PIPE_CODES.has(code))
  );
}

/**
 * Redacts every write. Once the underlying stream fails (EPIPE, a full disk) further writes are
 * dropped, whoever waits for `drain` is released, and `onFailure` is told (once).
 */
function redactingSink(sink: TextSink, redact: (text: string) => string, onFailure: (error: Error) => void): TextSink {
  let failed = false;
  const waiting = new Set<() => void>();
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    for (const listener of waiting) listener();
    waiting.clear();
    onFailure(error);
  };
  // A stream without an `error` listener crashes the process with a stack trace on EPIPE.
  if (typeof sink.on === "function") sink.on("error", fail);
  const wrapped: TextSink = {
    write: (chunk) => {
      if (failed) return true;
      try {
        return sink.write(redact(chunk));
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return true;
      }
    },
    get isTTY() {
      return sink.isTTY === true;
    },
    get columns() {
      return sink.columns;
    },
  };
  if (sink.once) {
    wrapped.once = (event, listener) => {
      if (failed) {
        listener();
        return;
      }
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        waiting.delete(once);
        listener();
      };
      waiting.add(once);
      sink.once?.(event, once);
    };
  }
  return wrapped;
}

/** The keys the environment names (TIKHUB_API_KEY and the TIKHUB_API_KEYS pool), each once. */
export function envApiKeys(env: Record<string, string | undefined>): string[] {
  const one = env["TIKHUB_API_KEY"]?.trim();
  return [...new Set([...(one ? [one] : []), ...splitKeyList(env["TIKHUB_API_KEYS"] ?? "")])];
}

export function createContext(io: CliIo, signal: AbortSignal, abort: (reason: unknown) => void = () => {}): CliContext {
  const secrets = envApiKeys(io.env);
  // stderr carries diagnostics: the keys and anything shaped like a credential are hidden.
  let hideDiagnostics = createRedactor(secrets);
  // stdout and -o files carry fetched records: the keys are hidden, never the user's own words that look
  // like credentials ("token: abc123" in a note is data, shown as fetched).
  let hideInData = createRedactor(secrets, { credentialPatterns: false });
  const redact = (text: string) => hideDiagnostics(text);
  const redactData = (text: string) => hideInData(text);
  const addSecrets = (keys: readonly string[]) => {
    const fresh = keys.filter((key) => !secrets.includes(key));
    if (fresh.length === 0) return;
    secrets.push(...fresh);
    hideDiagnostics = createRedactor(secrets);
    hideInData = createRedactor(secrets, { credentialPatterns: false });
  };
  let outputFailure: CliContext["outputFailure"];
  const outputFailed = (error: unknown) => {
    if (outputFailure !== undefined) return;
    outputFailure = isClosedPipeError(error)
      ? { closed: true }
      : { closed: false, error: error instanceof Error ? error : new Error(String(error)) };
    abort(error);
  };
  return {
    stdout: redactingSink(io.stdout, redactData, outputFailed),
    stderr: redactingSink(io.stderr, redact, () => {}),
    env: io.env,
    fetch: io.fetch,
    signal,
    createClient: io.createClient,
    cwd: io.cwd ?? process.cwd(),
    redact,
    redactData,
    secrets,
    addSecrets,
    exitCode: undefined,
    verbose: false,
    get outputFailure() {
      return outputFailure;
    },
    outputFailed,
  };
}

/** Writes and waits for `drain` when the sink asks for it, so a long list does not pile up in memory. */
export async function writeText(sink: TextSink, text: string): Promise<void> {
  if (text.length === 0) return;
  const ok = sink.write(text);
  if (!ok && sink.once) await new Promise<void>((resolve) => sink.once?.("drain", resolve));
}

/** Anything with a parent chain, i.e. any commander Command. */
interface CommandNode {
  parent: CommandNode | null;
}
const contexts = new WeakMap<object, CliContext>();

/** Called by `buildProgram`: the root program carries the run's context. */
export function attachContext(program: CommandNode, ctx: CliContext): void {
  contexts.set(program, ctx);
}

/**
 * The context of the run a command belongs to: call it in an action with the command itself
 * (`contextOf(cmd)`); it walks up to the root program.
 */
export function contextOf(command: CommandNode): CliContext {
  let node: CommandNode | null = command;
  while (node) {
    const ctx = contexts.get(node);
    if (ctx) return ctx;
    node = node.parent;
  }
  throw new Error("xhs: command run outside main(): no CLI context attached to the program.");
}
