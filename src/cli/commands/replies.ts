// `xhs replies <noteRef> <commentId>`: one comment's reply thread.
import type { Command } from "@commander-js/extra-typings";
import { runList } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addListOptions, addOutputOptions, checkId, checkRef } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("replies")
    .description("List the replies under one top-level comment.")
    .argument("<noteRef>", "the note's id, URL, share text or short link", (v) => checkRef("note", v))
    .argument("<commentId>", "the top-level comment's id", (v) => checkId("comment", v));
  addListOptions(addOutputOptions(addClientOptions(cmd)))
    .addHelpText("after", "\nExample:\n  xhs replies 699916e6000000001d0253da 69b72f8e000a530000838073 --jsonl")
    .action(async (noteRef, commentId, opts, command) => {
      await runList(contextOf(command), opts, "comment", (client, list) =>
        client.comments.replies(noteRef, commentId, list),
      );
    });
}
