// `xhs comments <noteRef>`: a note's comments, optionally with every reply thread.
import { type Command, Option } from "@commander-js/extra-typings";
import { COMMENT_SORTS } from "../../catalog/filters.js";
import type { CommentListOptions } from "../../client/types.js";
import { runList } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addListOptions, addOutputOptions, checkRef, parsePositiveInt } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("comments")
    .description("List a note's comments; with --replies each thread's replies follow their comment.")
    .argument("<noteRef>", "note id, note URL, share text or short link", (v) => checkRef("note", v))
    .option("--replies", "also fetch every reply thread (each thread costs calls)")
    .addOption(
      new Option(
        "--sort <order>",
        "comment order (unset: newest first, the complete list; default = relevance, loses comments when paged)",
      ).choices(COMMENT_SORTS),
    )
    .addOption(
      new Option("--max-replies <n>", "at most this many replies per thread (implies --replies)")
        .argParser(parsePositiveInt)
        .implies({ replies: true }),
    )
    .addOption(new Option("--accept-degraded", "use a series that cannot honour --sort (the result says so)"));
  addListOptions(addOutputOptions(addClientOptions(cmd)))
    .addHelpText(
      "after",
      "\nExamples:\n  xhs comments 699916e6000000001d0253da --sort latest --limit 100\n  xhs comments 699916e6000000001d0253da --max-replies 20 --csv -o comments.csv",
    )
    .action(async (noteRef, opts, command) => {
      await runList(contextOf(command), opts, "comment", (client, list) => {
        const options: CommentListOptions = { ...list };
        if (opts.sort) options.sort = opts.sort;
        if (opts.replies) options.withReplies = true;
        if (opts.maxReplies !== undefined) options.maxRepliesPerThread = opts.maxReplies;
        if (opts.acceptDegraded) options.acceptDegraded = true;
        return client.comments.list(noteRef, options);
      });
    });
}
