/**
 * The `xhs` command line. One file per command under commands/; each exports `register(program)`.
 * An action gets its streams, env, fetch and abort signal from `contextOf(command)` (never from
 * `process`), so tests run `main(argv, io)` with injected ones.
 * Data goes to stdout; progress and logs to stderr. Returns the exit code (see exit-codes.ts).
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "@commander-js/extra-typings";
import { register as registerComments } from "./commands/comments.js";
import { register as registerCrawl } from "./commands/crawl.js";
import { register as registerDb } from "./commands/db.js";
import { register as registerDemo } from "./commands/demo.js";
import { register as registerExport } from "./commands/export.js";
import { register as registerFavorites } from "./commands/favorites.js";
import { register as registerMcp } from "./commands/mcp.js";
import { register as registerMedia } from "./commands/media.js";
import { register as registerMock } from "./commands/mock.js";
import { register as registerNote } from "./commands/note.js";
import { register as registerParse } from "./commands/parse.js";
import { register as registerProbe } from "./commands/probe.js";
import { register as registerReplies } from "./commands/replies.js";
import { register as registerResolve } from "./commands/resolve.js";
import { register as registerRuns } from "./commands/runs.js";
import { register as registerSearch } from "./commands/search.js";
import { register as registerServe } from "./commands/serve.js";
import { register as registerTopic } from "./commands/topic.js";
import { register as registerTrend } from "./commands/trend.js";
import { register as registerUser } from "./commands/user.js";
import { register as registerUserNotes } from "./commands/user-notes.js";
import { register as registerWatch } from "./commands/watch.js";
import { register as registerWorker } from "./commands/worker.js";
import { attachContext, type CliContext, type CliIo, createContext, isClosedPipeError } from "./context.js";
import { describeError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { terminalLines } from "./terminal-text.js";

export type { CliContext, CliIo } from "./context.js";

/** The package's version, from its package.json (two folders up from src/cli/ and from dist/cli/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command()
    .name("xhs")
    .description("Xiaohongshu (RedNote) data through TikHub's API, with failover across series.")
    .version(packageVersion(), "-V, --version", "print the version of xhs-kit")
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `
Environment:
  TIKHUB_API_KEY   your TikHub API key (https://user.tikhub.io); read from the environment only
  TIKHUB_REGION    cn = https://api.tikhub.dev (mainland China), global = https://api.tikhub.io (default);
                   TIKHUB_BASE_URL, --region and --base-url override it
  TIKHUB_BASE_URL  another base URL, e.g. a local \`xhs mock\` (no key needed there); --region and --base-url override it`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      // commander quotes the offending argument back; it may hold escape sequences meant for the terminal.
      outputError: (text, write) => write(terminalLines(text)),
    });
  attachContext(program, ctx);
  registerNote(program);
  registerUser(program);
  registerUserNotes(program);
  registerFavorites(program);
  registerComments(program);
  registerReplies(program);
  registerSearch(program);
  registerTopic(program);
  registerResolve(program);
  registerExport(program);
  registerWatch(program);
  registerTrend(program);
  registerMedia(program);
  registerCrawl(program);
  registerRuns(program);
  registerWorker(program);
  registerDb(program);
  registerDemo(program);
  registerMock(program);
  registerServe(program);
  registerMcp(program);
  registerParse(program);
  registerProbe(program);
  return program;
}

/** Aborts on the first SIGINT/SIGTERM (the command flushes and exits 130); a second one exits at once. */
function listenForInterrupt(controller: AbortController): () => void {
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

/**
 * The exit code when the output failed: a closed pipe (`xhs … | head`) ends quietly with the code
 * the command had so far (the reader took what it wanted); a write error (a full disk) is an I/O error.
 */
function outputFailureExit(ctx: CliContext, error?: unknown): number | undefined {
  const failure = ctx.outputFailure ?? (isClosedPipeError(error) ? ({ closed: true } as const) : undefined);
  if (failure === undefined) return undefined;
  if (failure.closed) return ctx.exitCode !== undefined && ctx.exitCode !== EXIT.interrupted ? ctx.exitCode : EXIT.ok;
  const described = describeError(failure.error, { verbose: ctx.verbose });
  ctx.stderr.write(`${described.message}\n`);
  return described.exitCode;
}

/**
 * Runs the CLI on `argv` (without `node xhs`). Everything it touches can be injected through `io`
 * (streams, env, fetch, abort signal, client factory), so tests never patch globals.
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const controller = new AbortController();
  const stopListening = io.signal ? () => {} : listenForInterrupt(controller);
  const signal = io.signal ? AbortSignal.any([io.signal, controller.signal]) : controller.signal;
  const ctx = createContext(
    {
      stdout: io.stdout ?? process.stdout,
      stderr: io.stderr ?? process.stderr,
      env: io.env ?? process.env,
      ...(io.fetch ? { fetch: io.fetch } : {}),
      ...(io.createClient ? { createClient: io.createClient } : {}),
      ...(io.cwd ? { cwd: io.cwd } : {}),
    },
    signal,
    (reason) => controller.abort(reason),
  );
  try {
    const program = buildProgram(ctx);
    await program.parseAsync(argv, { from: "user" });
    const failed = outputFailureExit(ctx);
    if (failed !== undefined) return failed;
    if (ctx.exitCode !== undefined) return ctx.exitCode;
    // Commands written before `ctx.exitCode` existed may still set process.exitCode.
    if (typeof process.exitCode === "number" && process.exitCode !== 0) {
      const code = process.exitCode;
      process.exitCode = undefined;
      return code;
    }
    return EXIT.ok;
  } catch (error) {
    const failed = outputFailureExit(ctx, error);
    if (failed !== undefined) return failed;
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors (already printed) with a non-zero code.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const described = describeError(error, { verbose: ctx.verbose });
    ctx.stderr.write(`${described.message}\n`);
    return signal.aborted ? EXIT.interrupted : described.exitCode;
  } finally {
    stopListening();
  }
}
