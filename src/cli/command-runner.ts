/**
 * The one flow every single-shot command follows: build the client (key checked, nothing paid),
 * open the output (a bad -o path fails here, nothing paid), fetch, write, commit, and on trouble
 * keep what was fetched, say how to resume and pick the documented exit code.
 */
import type { CallOptions, ListOptions, XhsClient } from "../client/types.js";
import { isXhsError } from "../core/errors.js";
import type { Paginator } from "../core/types.js";
import { type CliContext, isClosedPipeError, writeText } from "./context.js";
import { cliWords, describeError, isIoError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { type ClientFlags, clientFromOptions } from "./options.js";
import { type OutputFlags, openRecordOutput } from "./output.js";
import { progressWanted, startProgress } from "./progress.js";
import type { RecordKind, RecordOfKind } from "./record-kinds.js";

export type CommandFlags = ClientFlags & OutputFlags;

/** Fetch one record and print it. */
export async function runSingle<K extends RecordKind>(
  ctx: CliContext,
  flags: CommandFlags,
  kind: K,
  fetch: (client: XhsClient, call: CallOptions) => Promise<RecordOfKind[K]>,
): Promise<void> {
  const client = await clientFromOptions(flags, ctx);
  const out = await openRecordOutput(ctx, flags, kind, { mode: "single" });
  const progress = startProgress(ctx, client, {
    label: kind,
    total: 1,
    enabled: progressWanted(ctx, out.format, flags.output !== undefined),
  });
  try {
    const record = await fetch(client, { signal: ctx.signal });
    progress.addItems();
    await out.write(record);
    progress.stop();
    await out.commit();
    if (flags.output) await writeText(ctx.stderr, `Wrote 1 ${kind} to ${flags.output}\n`);
  } catch (error) {
    progress.stop();
    await out.discard();
    if (isClosedPipeError(error)) ctx.outputFailed(error);
    throw error;
  }
}

export interface ListFlags extends CommandFlags {
  limit: number;
  cursor?: string | undefined;
}

function plural(kind: RecordKind, n: number): string {
  const noun = kind === "link" ? "link" : kind;
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Page through a list up to --limit, streaming each record to the output. Ends by saying whether
 * more exist and printing the resume cursor on stderr. When something fails midway, what was
 * fetched is kept (the file is completed and renamed), the cursor printed, and the exit code is
 * `partial` (or `interrupted` on Ctrl-C); when nothing was fetched the error decides the code and
 * no file is left behind.
 */
/** How a list ended, for a command that has more to say. */
export interface ListOutcome {
  /** Records written. */
  count: number;
  /** True when the list ran out (no cursor, no error, not interrupted) before --limit. */
  exhausted: boolean;
}

export async function runList<K extends RecordKind>(
  ctx: CliContext,
  flags: ListFlags,
  kind: K,
  list: (client: XhsClient, options: ListOptions) => Paginator<RecordOfKind[K]>,
): Promise<ListOutcome> {
  const client = await clientFromOptions(flags, ctx);
  const out = await openRecordOutput(ctx, flags, kind, { mode: "list" });
  const progress = startProgress(ctx, client, {
    label: `${kind}s`,
    total: flags.limit,
    enabled: progressWanted(ctx, out.format, flags.output !== undefined),
  });
  const options: ListOptions = { limit: flags.limit, signal: ctx.signal };
  if (flags.cursor !== undefined) options.cursor = flags.cursor;
  const paginator = list(client, options);
  let failure: unknown = null;
  try {
    for await (const record of paginator) {
      await out.write(record);
      progress.addItems();
      if (out.count >= flags.limit) break;
      // Lets a closed pipe's EPIPE (an `error` event) arrive before the next page is paid for.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ctx.outputFailure !== undefined) break;
    }
  } catch (error) {
    // A write that failed (closed pipe, full disk): the output is the problem, not the list.
    if (isClosedPipeError(error) || isIoError(error)) ctx.outputFailed(error);
    failure = error;
  } finally {
    progress.stop();
  }
  if (ctx.outputFailure !== undefined) {
    // The reader went away (`| head`) or the output cannot be written: nothing more to say on this
    // output; main() picks the exit code (0 for a closed pipe, 2 for an I/O error).
    await out.discard();
    return { count: out.count, exhausted: false };
  }

  const interrupted = ctx.signal.aborted || (isXhsError(failure) && failure.kind === "aborted");
  if (failure !== null && out.count === 0 && !interrupted) {
    await out.discard();
    throw failure;
  }
  await out.commit();

  const lines: string[] = [];
  if (paginator.degraded) {
    lines.push(
      cliWords(`warning: degraded result: ${paginator.degradedReasons.join("; ") || "a filter was not honoured"}`),
    );
  }
  if (failure !== null && !interrupted) {
    lines.push(describeError(failure, { verbose: ctx.verbose }).message);
    lines.push(`Partial result: ${plural(kind, out.count)} written before the error.`);
    ctx.exitCode = EXIT.partial;
  } else if (interrupted) {
    lines.push(`Interrupted after ${plural(kind, out.count)}.`);
    ctx.exitCode = EXIT.interrupted;
  } else if (out.count === 0) {
    lines.push(`No ${kind}s found.`);
  }
  if (flags.output) lines.push(`Wrote ${plural(kind, out.count)} to ${flags.output}`);
  const cursor = paginator.cursor;
  if (cursor !== null) {
    lines.push(
      failure === null && !interrupted
        ? `More ${kind}s exist (showed ${out.count}; raise --limit or resume with --cursor '${cursor}')`
        : `Resume with --cursor '${cursor}'`,
    );
  }
  if (lines.length > 0) await writeText(ctx.stderr, `${lines.join("\n")}\n`);
  return {
    count: out.count,
    exhausted: failure === null && !interrupted && cursor === null && out.count < flags.limit,
  };
}
