/**
 * The `xhs` command line. One file per command under commands/; each exports `register(program)`.
 * Data goes to stdout; progress and logs to stderr. Returns the exit code (see exit-codes.ts).
 */
import { Command, CommanderError } from "@commander-js/extra-typings";
import { EXIT } from "./exit-codes.js";
import { register as registerMock } from "./commands/mock.js";
import { register as registerParse } from "./commands/parse.js";

export function buildProgram(): Command {
  const program = new Command()
    .name("xhs")
    .description("Xiaohongshu (RedNote) data through TikHub's API, with failover across series.")
    .showHelpAfterError()
    .exitOverride();
  registerMock(program);
  registerParse(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with a non-zero code.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
}
