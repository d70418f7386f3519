// `xhs note <ref>`: one note in full (id, URL, share text or short link).
import { type Command, Option } from "@commander-js/extra-typings";
import { runSingle } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addOutputOptions, checkRef } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("note")
    .description("Fetch one note in full: text, tags, counts, images or video.")
    .argument("<ref>", "note id, note URL (xiaohongshu.com / rednote.com), share text or xhslink.com short link", (v) =>
      checkRef("note", v),
    )
    .addOption(
      new Option("--type <type>", "the note's type, a hint that saves a call").choices(["image", "video"] as const),
    );
  addOutputOptions(addClientOptions(cmd))
    .addHelpText(
      "after",
      "\nExamples:\n  xhs note 697c0eee000000000a03c308\n  xhs note 'https://www.xiaohongshu.com/discovery/item/697c0eee000000000a03c308' --json",
    )
    .action(async (ref, opts, command) => {
      await runSingle(contextOf(command), opts, "note", (client, call) =>
        client.notes.get(ref, opts.type ? { ...call, type: opts.type } : call),
      );
    });
}
