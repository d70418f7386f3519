/**
 * The one flow every single-shot command follows: build the client (key checked, nothing paid),
 * open the output (a bad -o path fails here, nothing paid), fetch, write, commit, and on trouble
 * keep what was fetched, say how to resume and pick the documented exit code.
 */
import type { CallOptions, ListOptions, Paginator, XhsClient } from "../client/types.js";
import { isXhsError } from "../transport/errors.js";
import { type CliContext, writeText } from "./context.js";
import { describeError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { type ClientFlags, clientFromOptions } from "./options.js";
import { type OutputFlags, openRecordOutput, type RecordKind, type RecordOfKind } from "./output.js";
import { progressWanted, startProgress } from "./progress.js";

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
export async function runList<K extends RecordKind>(
  ctx: CliContext,
  flags: ListFlags,
  kind: K,
  list: (client: XhsClient, options: ListOptions) => Paginator<RecordOfKind[K]>,
): Promise<void> {
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
    }
  } catch (error) {
    failure = error;
  } finally {
    progress.stop();
  }

  const interrupted = ctx.signal.aborted || (isXhsError(failure) && failure.kind === "aborted");
  if (failure !== null && out.count === 0 && !interrupted) {
    await out.discard();
    throw failure;
  }
  await out.commit();

  const lines: string[] = [];
  if (paginator.degraded) {
    lines.push(`warning: degraded result: ${paginator.degradedReasons.join("; ") || "a filter was not honoured"}`);
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
}
