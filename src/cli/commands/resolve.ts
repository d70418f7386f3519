// `xhs resolve <text>`: what a share link or share text points to (note or user, id, xsec_token).
import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { runSingle } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addOutputOptions } from "../options.js";

const HAS_XHS_LINK = /(xiaohongshu\.com|rednote\.com|xhslink\.com|xhslink\.cn)\//i;

export function register(program: Command): void {
  const cmd = program
    .command("resolve")
    .description("Resolve a share link or share text to a note or user id with its xsec_token.")
    .argument("<text>", "an xhslink.com short link, a note/profile URL, or share text containing one", (v) => {
      if (!HAS_XHS_LINK.test(v)) {
        throw new InvalidArgumentError("expected a xiaohongshu.com / rednote.com URL or an xhslink.com short link.");
      }
      return v.trim();
    });
  addOutputOptions(addClientOptions(cmd))
    .addHelpText("after", "\nExample:\n  xhs resolve 'http://xhslink.com/a/1xhllrdTJC' --json")
    .action(async (text, opts, command) => {
      await runSingle(contextOf(command), opts, "link", (client, call) => client.links.resolve(text, call));
    });
}
