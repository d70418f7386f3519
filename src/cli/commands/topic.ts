// `xhs topic <pageId|url>`: a topic page's info, or with --notes its notes.
import { type Command, Option } from "@commander-js/extra-typings";
import { TOPIC_SORTS } from "../../catalog/filters.js";
import type { TopicNotesOptions } from "../../client/types.js";
import { runList, runSingle } from "../command-runner.js";
import { contextOf } from "../context.js";
import { UsageError } from "../errors.js";
import { addClientOptions, addListOptions, addOutputOptions, checkId } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("topic")
    .description("Fetch a topic page (name, views, discussions), or with --notes list its notes.")
    .argument("<pageId>", "the topic page id, or its URL xiaohongshu.com/page/topics/<pageId>", (v) =>
      checkId("topic", v),
    )
    .option("--notes", "list the topic's notes instead of its info")
    .addOption(new Option("--sort <order>", "with --notes: note order (default general)").choices(TOPIC_SORTS))
    .addOption(new Option("--accept-degraded", "with --notes: use a series that cannot honour --sort"));
  addListOptions(addOutputOptions(addClientOptions(cmd)))
    .addHelpText(
      "after",
      "\nExamples:\n  xhs topic 5c1cc866febed9000184b7c1\n  xhs topic 'https://www.xiaohongshu.com/page/topics/5c1cc866febed9000184b7c1?naviHidden=yes'\n  xhs topic 5c1cc866febed9000184b7c1 --notes --sort latest --limit 40",
    )
    .action(async (pageId, opts, command) => {
      const ctx = contextOf(command);
      if (!opts.notes) {
        if (opts.sort || opts.cursor || opts.acceptDegraded) {
          throw new UsageError("--sort, --cursor and --accept-degraded apply to --notes only.");
        }
        await runSingle(ctx, opts, "topic", (client, call) => client.topics.get(pageId, call));
        return;
      }
      await runList(ctx, opts, "note", (client, list) => {
        const options: TopicNotesOptions = { ...list };
        if (opts.sort) options.sort = opts.sort;
        if (opts.acceptDegraded) options.acceptDegraded = true;
        return client.topics.notes(pageId, options);
      });
    });
}
