// `xhs user <ref>`: one user's profile.
import type { Command } from "@commander-js/extra-typings";
import { runSingle } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addOutputOptions, checkRef } from "../options.js";

export function register(program: Command): void {
  const cmd = program
    .command("user")
    .description("Fetch one user's profile: nickname, bio, followers, likes and collects, note count.")
    .argument("<ref>", "user id, profile URL (xiaohongshu.com/user/profile/…), share text or short link", (v) =>
      checkRef("user", v),
    );
  addOutputOptions(addClientOptions(cmd))
    .addHelpText("after", "\nExample:\n  xhs user 61b46d790000000010008153 --json")
    .action(async (ref, opts, command) => {
      await runSingle(contextOf(command), opts, "user", (client, call) => client.users.get(ref, call));
    });
}
