// `xhs favorites <ref>`: a user's public favourites (App V2 only).
import type { Command } from "@commander-js/extra-typings";
import { runList } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addListOptions, addOutputOptions, checkRef } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("favorites")
    .description("List the notes a user collected publicly (only App V2 serves this).")
    .argument("<ref>", "user id, profile URL, share text or short link", (v) => checkRef("user", v));
  addListOptions(addOutputOptions(addClientOptions(cmd)))
    .addHelpText("after", "\nExample:\n  xhs favorites 5a8cf39111be10466d285d6b --limit 10")
    .action(async (ref, opts, command) => {
      await runList(contextOf(command), opts, "note", (client, list) => client.users.favorites(ref, list));
    });
}
