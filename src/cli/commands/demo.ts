// `xhs demo`: the main job, offline. Starts the built-in TikHub simulator with a mild fault profile,
// crawls a keyword with details, comments, replies and authors into ./xhs-demo.db, prints the report.
import { existsSync, rmSync } from "node:fs";
import { type Command, Option } from "@commander-js/extra-typings";
import { normalizePlan } from "../../crawl/plan/normalize.js";
import type { PlanFile } from "../../crawl/plan/schema.js";
import type { RunReport } from "../../crawl/report.js";
import { displayUrl } from "../../store/postgres/open.js";
import { deleteAllRows } from "../../store/sql/empty.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { parsePositiveInt } from "../options.js";
import { dbTarget, openCliStore, sqliteFileOf } from "../store-option.js";
import { executeCrawl } from "./crawl.js";

export const DEMO_DB = "xhs-demo.db";
export const WATCH_DEMO_DB = "xhs-watch-demo.db";
export const DEMO_NAME = "xhs demo";
/** The simulator accepts any non-empty key; the user's real key never leaves for the demo. */
const DEMO_KEY = "xhs-demo-key";

/** The demo's plan: also in examples/demo.yaml, to run the same against TikHub. */
export const DEMO_PLAN: PlanFile = {
  name: DEMO_NAME,
  seeds: { keywords: [{ keyword: "露营", sort: "general", limit: 6 }] },
  expand: {
    details: true,
    comments: { maxPerNote: 30, replies: true, maxRepliesPerThread: 5 },
    authors: true,
    authorNotes: { limit: 10 },
  },
  limits: { maxNotes: 6 },
  concurrency: 4,
};

/**
 * Every run re-starts from an empty database, so the report always shows a whole crawl. Only a
 * database the demo made is emptied (all its runs are demo runs); anything else is refused. A SQLite
 * file is removed; a Postgres database keeps its schema and loses its rows.
 */
async function clearPreviousDemo(ctx: CliContext, target: string, shown: string): Promise<void> {
  const file = sqliteFileOf(ctx, target);
  if (file !== null && !existsSync(file)) return;
  const store = await openCliStore(ctx, target);
  try {
    const runs = await store.listRuns({ limit: 1000 });
    const foreign = runs.filter((run) => (run.plan as { name?: string } | null)?.name !== DEMO_NAME);
    if (foreign.length > 0 || ((await store.countRecords("notes")) > 0 && runs.length === 0)) {
      throw new UsageError(
        `${shown} holds more than a demo crawl; give the demo another --db (it starts from an empty database)`,
      );
    }
    if (file === null) await deleteAllRows(store);
  } finally {
    await store.close();
  }
  if (file !== null) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

function epilogue(report: RunReport, db: string): string {
  return [
    "",
    `Done: run ${report.runId} is in ${db}. Explore it:`,
    `  xhs runs show ${report.runId} --db ${db}`,
    `  xhs export notes --db ${db} --format csv -o notes.csv        # opens in a spreadsheet (UTF-8, formula-safe)`,
    `  xhs export comments --db ${db} --format jsonl`,
    `  ${db.startsWith("postgres") ? "psql" : "sqlite3"} ${db} "select id, title, likes, comments from notes order by likes desc limit 5"`,
    `  xhs serve --db ${db}          # the web dashboard at http://127.0.0.1:8787/ (no key needed: read-only)`,
    "",
    "The same against TikHub (paid; every call is counted in the ledger):",
    "  export TIKHUB_API_KEY=…        # from https://user.tikhub.io",
    "  xhs crawl examples/demo.yaml --dry-run              # estimate calls and cost first",
    "  xhs crawl examples/demo.yaml --db camping.db --max-cost 1",
  ].join("\n");
}

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "Run a representative crawl against the built-in TikHub simulator (no key, nothing paid) and print its report.",
    )
    .addOption(
      new Option(
        "--db <path|url>",
        `SQLite file or postgres:// URL to write (default XHS_DATABASE_URL, else ./${DEMO_DB}); a demo's own database is emptied first, any other refused`,
      ),
    )
    .addOption(
      new Option(
        "--seed <n>",
        "simulator world and fault seed (default 3: a world where the mild profile shows a failover)",
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option(
        "--faults <profile>",
        "simulator fault profile: healthy, mild, primary-down, chaos or a JSON file (default mild)",
      ),
    )
    .addOption(new Option("--json", "print the run report as JSON"))
    .addOption(
      new Option(
        "--watch",
        `instead: a simulated day of \`xhs watch\` on an accelerated clock (alerts on stdout) into ./${WATCH_DEMO_DB}`,
      ).conflicts(["json", "faults"]),
    )
    .addHelpText(
      "after",
      "\nExample:\n  npm run demo          # = xhs demo\n  xhs demo --faults chaos --db chaos-demo.db\n  xhs demo --watch      # a day of monitoring in seconds, then: xhs trend <note> --db xhs-watch-demo.db",
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      if (opts.watch) {
        const { runWatchDemo } = await import("./watch-demo.js");
        await runWatchDemo(ctx, opts);
        return;
      }
      await runDemo(ctx, opts);
    });
}

export interface DemoOptions {
  db?: string | undefined;
  seed?: number | undefined;
  faults?: string | undefined;
  json?: boolean | undefined;
}

export async function runDemo(ctx: CliContext, opts: DemoOptions): Promise<RunReport> {
  // A SQLite file or a Postgres URL (--db, else XHS_DATABASE_URL, else ./xhs-demo.db), like every --db.
  const db = dbTarget(ctx, opts.db, DEMO_DB);
  const { startSimulator, FaultProfileError } = await import("../../simulator/index.js");
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({ port: 0, seed: opts.seed ?? 3, faults: opts.faults ?? "mild", rateLimit: 20 });
  } catch (error) {
    if (error instanceof FaultProfileError) throw new UsageError(`--faults: ${error.message}`);
    throw error;
  }
  try {
    await clearPreviousDemo(ctx, db, displayUrl(db));
    await writeText(
      ctx.stderr,
      `xhs demo: the built-in TikHub simulator is serving at ${sim.url} (fault profile "${opts.faults ?? "mild"}": ` +
        "a few calls fail, so retries and failover show). No key is needed and nothing is paid.\n" +
        `Crawling "露营": 6 notes in full, their comments with replies, their authors' profiles and notes → ${db}\n\n`,
    );
    const demoCtx: CliContext = { ...ctx, env: { ...ctx.env, TIKHUB_API_KEY: DEMO_KEY }, fetch: undefined };
    const report = await executeCrawl(demoCtx, {
      plan: normalizePlan(DEMO_PLAN, "demo plan"),
      flags: { baseUrl: sim.url, timeout: 5, qps: 20, json: opts.json === true },
      db,
      epilogue: (r, shown) => (opts.json ? "" : epilogue(r, shown)),
    });
    // Jobs that failed after retries are in the report; the demo itself succeeded when the run completed.
    ctx.exitCode = report.status === "completed" ? EXIT.ok : demoCtx.exitCode;
    return report;
  } finally {
    await sim.close();
  }
}
