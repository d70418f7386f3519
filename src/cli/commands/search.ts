// `xhs search notes|users <keyword>`: keyword search with the unified filters.
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS } from "../../catalog/filters.js";
import { keywordProblem } from "../../client/keyword.js";
import type { SearchNotesOptions } from "../../client/types.js";
import { runList } from "../command-runner.js";
import { contextOf } from "../context.js";
import { addClientOptions, addListOptions, addOutputOptions } from "../options.js";

/** The client's own keyword check (the same as crawl plans and `--keyword`), as a usage error. */
function parseKeyword(value: string): string {
  const problem = keywordProblem(value);
  if (problem !== null) throw new InvalidArgumentError(`${problem}.`);
  return value.trim();
}

export function register(program: Command): void {
  const search = program.command("search").description("Search notes or users by keyword.");

  const notes = search
    .command("notes")
    .description("Search notes (upstream stops after about 11-12 pages per keyword and filter set).")
    .argument("<keyword>", "what to search for, e.g. 露营", parseKeyword)
    .addOption(new Option("--sort <order>", "result order (default general)").choices(SEARCH_SORTS))
    .addOption(new Option("--type <type>", "note type (default all)").choices(NOTE_TYPE_FILTERS))
    .addOption(new Option("--time <window>", "published within (default all)").choices(TIME_FILTERS))
    .addOption(new Option("--accept-degraded", "use a series that cannot honour a filter (the result says so)"));
  addListOptions(addOutputOptions(addClientOptions(notes)))
    .addHelpText(
      "after",
      "\nExamples:\n  xhs search notes 露营 --sort latest --time week --limit 50\n  xhs search notes 露营 --type video --csv -o camping.csv",
    )
    .action(async (keyword, opts, command) => {
      await runList(contextOf(command), opts, "note", (client, list) => {
        const options: SearchNotesOptions = { ...list };
        if (opts.sort) options.sort = opts.sort;
        if (opts.type) options.type = opts.type;
        if (opts.time) options.time = opts.time;
        if (opts.acceptDegraded) options.acceptDegraded = true;
        return client.search.notes(keyword, options);
      });
    });

  const users = search
    .command("users")
    .description("Search users by keyword (App V2 and Web V3 serve this).")
    .argument("<keyword>", "what to search for", parseKeyword);
  addListOptions(addOutputOptions(addClientOptions(users)))
    .addHelpText("after", "\nExample:\n  xhs search users 露营 --limit 10 --json")
    .action(async (keyword, opts, command) => {
      await runList(contextOf(command), opts, "user", (client, list) => client.search.users(keyword, list));
    });
}
