/**
 * What every command runs with: the streams, the environment, the fetch and the client factory.
 * `main(argv, io)` builds one per run, so tests inject streams, env and fetch without patching globals.
 */
import type { ClientOptions, XhsClient } from "../client/types.js";

/** A stream the CLI writes text to (process.stdout, a file, or a test buffer). */
export interface TextSink {
  write(chunk: string): boolean;
  once?(event: "drain", listener: () => void): unknown;
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
  /** Replaces every secret (the API key) in a string. Apply it to anything written outside stdout/stderr. */
  redact(text: string): string;
  /** Set by a command that ends without throwing but not cleanly (e.g. EXIT.partial). */
  exitCode: number | undefined;
  /** True once --verbose is seen, so the error printer can add detail. */
  verbose: boolean;
}

const REDACTED = "[redacted]";
/** Shorter secrets would turn ordinary text into "[redacted]"; real TikHub keys are far longer. */
const MIN_SECRET_LENGTH = 4;

export function makeRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === "string" && s.trim().length >= MIN_SECRET_LENGTH);
  // Longest first, so a key that contains another secret is replaced whole.
  list.sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      // The same key percent-encoded (e.g. echoed inside a URL).
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
    }
    return out;
  };
}

function redactingSink(sink: TextSink, redact: (text: string) => string): TextSink {
  const wrapped: TextSink = {
    write: (chunk) => sink.write(redact(chunk)),
    get isTTY() {
      return sink.isTTY === true;
    },
    get columns() {
      return sink.columns;
    },
  };
  if (sink.once) wrapped.once = (event, listener) => sink.once?.(event, listener);
  return wrapped;
}

export function createContext(io: CliIo, signal: AbortSignal): CliContext {
  const redact = makeRedactor([io.env["TIKHUB_API_KEY"]]);
  return {
    stdout: redactingSink(io.stdout, redact),
    stderr: redactingSink(io.stderr, redact),
    env: io.env,
    fetch: io.fetch,
    signal,
    createClient: io.createClient,
    cwd: io.cwd ?? process.cwd(),
    redact,
    exitCode: undefined,
    verbose: false,
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
