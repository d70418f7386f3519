// `xhs user-notes <ref>`: the notes a user posted, newest first.
import type { Command } from "@commander-js/extra-typings";
import { runList } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addListOptions, addOutputOptions, checkRef } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("user-notes")
    .description("List the notes a user posted (bodies are cut by the endpoint: textTruncated is true).")
    .argument("<ref>", "user id, profile URL, share text or short link", (v) => checkRef("user", v));
  addListOptions(addOutputOptions(addClientOptions(cmd)))
    .addHelpText("after", "\nExample:\n  xhs user-notes 61b46d790000000010008153 --limit 50 --csv -o notes.csv")
    .action(async (ref, opts, command) => {
      await runList(contextOf(command), opts, "note", (client, list) => client.users.notes(ref, list));
    });
}
