// `xhs search notes|users <keyword>`: keyword search with the unified filters.
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS } from "../../catalog/filters.js";
import { keywordProblem } from "../../client/keyword.js";
import type { SearchNotesOptions } from "../../client/types.js";
import { runList } from "../command-runner.js";
import { contextOf, writeText } from "../context.js";
import { addClientOptions, addListOptions, addOutputOptions } from "../options.js";

/** Note search stops upstream after about 11-12 pages of 20 (README, "Split searches"; the reference gives no exact figure). */
const SEARCH_CAP_NOTES = 220;
/** A search that ran dry after this many full pages probably met the cap (as the crawl report's "search cap hits"). */
const SEARCH_CAP_PAGES_SEEN = 10;

/** A keyword quoted for the shell when it needs it (the suggestion must be copy-pasteable). */
function shellWord(text: string): string {
  return /^[\p{L}\p{N}_.-]+$/u.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

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
      const ctx = contextOf(command);
      const split =
        `xhs crawl --keyword ${shellWord(keyword)} --split --limit ${opts.limit} --no-details --comments 0` +
        ` && xhs export notes`;
      if (opts.limit > SEARCH_CAP_NOTES) {
        await writeText(
          ctx.stderr,
          `warning: note search stops upstream after about 11-12 pages (~${SEARCH_CAP_NOTES} notes) per keyword ` +
            `and filter set, so --limit ${opts.limit} will likely end early. To collect more, split the search ` +
            `across sorts and types: ${split}\n`,
        );
      }
      const outcome = await runList(ctx, opts, "note", (client, list) => {
        const options: SearchNotesOptions = { ...list };
        if (opts.sort) options.sort = opts.sort;
        if (opts.type) options.type = opts.type;
        if (opts.time) options.time = opts.time;
        if (opts.acceptDegraded) options.acceptDegraded = true;
        return client.search.notes(keyword, options);
      });
      if (outcome.exhausted && outcome.count >= SEARCH_CAP_PAGES_SEEN * 20 && opts.limit > outcome.count) {
        await writeText(
          ctx.stderr,
          `The search ended after ${outcome.count} notes, probably at the upstream cap, not at the last match. ` +
            `For more: ${split}\n`,
        );
      }
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
