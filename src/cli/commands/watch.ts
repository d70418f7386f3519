// `xhs watch [plan]`: scheduled monitoring (issue #14) from a plan's `watch:` section or from flags, state in the store.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type Command, Option } from "@commander-js/extra-typings";
import { NOTE_TYPE_FILTERS, SEARCH_SORTS, TIME_FILTERS } from "../../catalog/filters.js";
import { systemClock, systemSleep } from "../../core/clock.js";
import type { AttemptEvent } from "../../core/types.js";
import { loadWatchPlanFile } from "../../crawl/plan/load.js";
import { PlanError } from "../../crawl/plan/problems.js";
import { type DeliveryTarget, normalizeWatchPlan, type WatchPlan } from "../../crawl/plan/watch.js";
import { ALERT_RULES, WATCH_METRICS } from "../../crawl/plan/watch-schema.js";
import { isPostgresTarget } from "../../store/postgres/open.js";
import {
  checkTargets,
  DeliveryConfigError,
  type DeliveryDeps,
  DeliveryWorker,
  targetKey,
} from "../../watch/deliver.js";
import { createExecutor } from "../../watch/executor.js";
import { acquireSchedulerLock, deadLocalOwner, leaseHolder, ownerName } from "../../watch/lock.js";
import { runWatchLoop } from "../../watch/run.js";
import type { PassResult } from "../../watch/scheduler.js";
import { SqlWatchState } from "../../watch/sql-state.js";
import { type CliContext, contextOf, writeText } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import {
  addClientOptions,
  type ClientFlags,
  clientFromOptions,
  clientOptionsFrom,
  parsePositiveInt,
} from "../options.js";
import { dbTarget, openCliStore } from "../store-option.js";
import { terminalLines } from "../terminal-text.js";
import { DEFAULT_DB } from "./crawl.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface WatchFlags extends ClientFlags {
  keyword?: string[] | undefined;
  sort?: (typeof SEARCH_SORTS)[number] | undefined;
  type?: (typeof NOTE_TYPE_FILTERS)[number] | undefined;
  time?: (typeof TIME_FILTERS)[number] | undefined;
  user?: string[] | undefined;
  topic?: string[] | undefined;
  note?: string[] | undefined;
  every?: string | undefined;
  name?: string | undefined;
  comments?: boolean | undefined;
  alert?: string[] | undefined;
  deliver?: string[] | undefined;
  budgetCalls?: number | undefined;
  budgetUsd?: string | undefined;
  db?: string | undefined;
  once?: boolean | undefined;
}

const WATCH_FLAGS = [
  "keyword",
  "sort",
  "type",
  "time",
  "user",
  "topic",
  "note",
  "every",
  "name",
  "comments",
  "alert",
  "deliver",
  "budgetCalls",
  "budgetUsd",
] as const;
const DEFAULT_EVERY = "6h";

/**
 * One `--alert` value as the plan's rule object: `RULE[:KEY=VALUE]…`. Values stay text where the rule wants a
 * number and none was given, so the plan's own check names the problem (a threshold of the wrong type).
 */
export function parseAlertFlag(spec: string): Record<string, unknown> {
  const [head = "", ...params] = spec.split(":");
  const [rule = "", inline] = head.split("=", 2);
  const out: Record<string, unknown> = { rule: rule.trim() };
  const number = (text: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text.trim());
  if (inline !== undefined) out.threshold = number(inline);
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq < 0) throw new UsageError(`--alert ${spec}: expected KEY=VALUE after ":" (got "${param}")`);
    const key = param.slice(0, eq).trim();
    const value = param.slice(eq + 1);
    if (key === "words" || key === "authors") out[key] = value.split(",").map((w) => w.trim());
    else if (key === "window") out.window = value.trim();
    else if ((WATCH_METRICS as readonly string[]).includes(key)) {
      out.metric = key;
      if (out.rule === "taking_off") out.perHour = number(value.replace(/\/h$/, ""));
      else out.threshold = number(value);
    } else
      throw new UsageError(
        `--alert ${spec}: unknown key "${key}" (words, authors, window, or a metric: ${WATCH_METRICS.join(", ")})`,
      );
  }
  return out;
}

/** One `--deliver` value: `stdout`, `file:PATH`, or an http(s) webhook URL. */
export function parseDeliverFlag(spec: string): Record<string, unknown> {
  if (spec === "stdout") return { stdout: true };
  if (spec.startsWith("file:") && spec.length > 5) return { file: spec.slice(5) };
  if (/^https?:\/\//i.test(spec)) return { webhook: spec };
  throw new UsageError(`--deliver ${spec}: expected stdout, file:PATH or an http(s):// webhook URL`);
}

/** A watch plan made of flags: one watch named by --name. */
export function planFromFlags(flags: WatchFlags): WatchPlan {
  const deliver = (flags.deliver ?? ["stdout"]).map(parseDeliverFlag);
  const alerts = (flags.alert ?? []).map(parseAlertFlag);
  const budget = {
    ...(flags.budgetCalls !== undefined ? { calls: flags.budgetCalls } : {}),
    ...(flags.budgetUsd !== undefined ? { usd: usdOf(flags.budgetUsd) } : {}),
  };
  const watch = {
    name: flags.name ?? "watch",
    every: flags.every ?? DEFAULT_EVERY,
    ...(flags.keyword
      ? {
          keywords: flags.keyword.map((keyword) => ({
            keyword,
            ...(flags.sort ? { sort: flags.sort } : {}),
            ...(flags.type ? { type: flags.type } : {}),
            ...(flags.time ? { time: flags.time } : {}),
          })),
        }
      : {}),
    ...(flags.user ? { users: flags.user } : {}),
    ...(flags.topic ? { topics: flags.topic } : {}),
    ...(flags.note ? { notes: flags.note } : {}),
    ...(flags.comments ? { actions: { newComments: true } } : {}),
    ...(alerts.length > 0 ? { alerts } : {}),
    deliver,
  };
  try {
    return normalizeWatchPlan(
      { watch: { ...(Object.keys(budget).length ? { budget } : {}), watches: [watch] } },
      "flags",
    );
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(flagWords(error.message));
    throw error;
  }
}

function usdOf(text: string): number | string {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** Plan paths in a message about a plan made of flags, as the flags they came from. */
function flagWords(message: string): string {
  return message
    .replace(/watch\.watches\[0\]\.alerts\[(\d+)\]\.?/g, (_, i) => `--alert #${Number(i) + 1} `)
    .replace(/watch\.watches\[0\]\.deliver\[(\d+)\]\.?/g, (_, i) => `--deliver #${Number(i) + 1} `)
    .replace(/watch\.watches\[0\]\.keywords\[(\d+)\]\.keyword/g, (_, i) => `--keyword #${Number(i) + 1}`)
    .replace(/watch\.watches\[0\]\.keywords\[(\d+)\]/g, (_, i) => `--keyword #${Number(i) + 1}`)
    .replace(
      /watch\.watches\[0\]\.(users|notes|topics)\[(\d+)\]/g,
      (_, k, i) => `--${k.slice(0, -1)} #${Number(i) + 1}`,
    )
    .replace(/watch\.watches\[0\]\.every/g, "--every")
    .replace(/watch\.watches\[0\]\.name/g, "--name")
    .replace(/watch\.budget\.calls/g, "--budget-calls")
    .replace(/watch\.budget\.usd/g, "--budget-usd")
    .replace(/watch\.watches\[0\]/g, "the watch");
}

function everyTarget(plan: WatchPlan): DeliveryTarget[] {
  const byKey = new Map<string, DeliveryTarget>();
  for (const w of plan.watches) for (const t of w.deliver) byKey.set(targetKey(t), t);
  return [...byKey.values()];
}

export function register(program: Command): void {
  const cmd = program
    .command("watch")
    .description(
      "Monitor keywords, accounts, topics and notes on a schedule: find new notes, refresh counts on a decaying " +
        "schedule, fetch new comments, raise alerts (stdout, a file, a signed webhook). Runs until Ctrl-C; state is in the database.",
    )
    .argument("[plan]", "plan file with a `watch:` section (YAML, or JSON by extension); or give the watch as flags")
    .addOption(new Option("--keyword <text>", "watch a keyword's newest notes (repeatable)").argParser(collect))
    .addOption(
      new Option(
        "--sort <order>",
        "the keywords' search order (default latest: discovery stops at the first known note)",
      ).choices(SEARCH_SORTS),
    )
    .addOption(new Option("--type <type>", "the keywords' note type (default all)").choices(NOTE_TYPE_FILTERS))
    .addOption(new Option("--time <window>", "the keywords' publish-time window (default all)").choices(TIME_FILTERS))
    .addOption(
      new Option("--user <ref>", "watch an account: its new notes and its counts (repeatable)").argParser(collect),
    )
    .addOption(new Option("--topic <ref>", "watch a topic page's newest notes (repeatable)").argParser(collect))
    .addOption(new Option("--note <ref>", "follow one note's counts (repeatable)").argParser(collect))
    .addOption(
      new Option(
        "--every <duration>",
        `how often each watched source is checked (default ${DEFAULT_EVERY}; 1m at least)`,
      ),
    )
    .addOption(
      new Option("--name <name>", 'names the watch in the database and in alerts (default "watch"; keep it stable)'),
    )
    .addOption(new Option("--comments", "also fetch new comments of every tracked note on each tick"))
    .addOption(
      new Option("--alert <rule>", `an alert rule (repeatable): ${ALERT_RULES.join(", ")}; see below`).argParser(
        collect,
      ),
    )
    .addOption(
      new Option(
        "--deliver <target>",
        "where alerts go (repeatable): stdout (default), file:PATH, or an http(s) webhook URL",
      ).argParser(collect),
    )
    .addOption(new Option("--budget-calls <n>", "paid calls per UTC day at most").argParser(parsePositiveInt))
    .addOption(new Option("--budget-usd <usd>", "US dollars per UTC day at most"))
    .addOption(
      new Option("--db <path|url>", `SQLite file or postgres:// URL (default XHS_DATABASE_URL, else ./${DEFAULT_DB})`),
    )
    .addOption(new Option("--once", "run what is due now, deliver what is due, and exit (for cron and CI)"));
  addClientOptions(cmd);
  cmd
    .addHelpText(
      "after",
      `
Alert rules (--alert RULE[:KEY=VALUE]…):
  new_note                         every note the watch finds after its first tick (the first is the baseline)
  new_note:words=露营,帐篷         … only notes whose title or text has one of the words (authors=ID,… for given authors)
  count_above:likes=1000           a note's likes (collects, comments, shares) pass a threshold
  taking_off:likes=40/h            a note gains 40 likes an hour or more (over window=6h by default: taking_off:likes=40/h:window=3h)
  new_comment:words=价格,多少钱    a new comment with one of the words (with --comments)
  followers_above=10000            a watched account's followers pass a threshold

Each tick: discovery stops at the first note already tracked; tracked notes are refreshed 1h, 6h, 24h, 3d
and 7d after they were first seen, then weekly up to 30 days. Budgets are checked before paying: a task
that does not fit today's budget waits until the next UTC day. Webhooks get a JSON POST signed with
HMAC-SHA256 (header x-xhs-signature-256, secret from XHS_WEBHOOK_SECRET), retried with backoff; an
unreachable webhook is refused at start. One scheduler per database (Postgres: an advisory lock; SQLite:
a lease): a second \`xhs watch\` on it exits 2. Ctrl-C (SIGINT/SIGTERM) stops after abandoning the tick in
flight (it runs again next time, its alerts still once). Exit codes: 0 --once done, 2 bad input, 130 stopped.

Examples:
  xhs watch --keyword 露营 --every 6h --alert new_note --alert taking_off:likes=40/h --deliver stdout
  xhs watch --user 5a8cf6d9e8ac2b2b3a1b2c3d --alert followers_above=100000 --deliver https://example.com/hook
  xhs watch watch.yaml --db watch.db
  xhs watch watch.yaml --db watch.db --once          # from cron
  xhs trend <note id> --db watch.db                   # a tracked note's curve`,
    )
    .action(async (planPath, opts, command) => {
      const ctx = contextOf(command);
      await executeWatch(ctx, planPath, opts);
    });
}

/** Reads the plan (file or flags), checks everything that can be checked for free, then runs the loop. */
export async function executeWatch(ctx: CliContext, planPath: string | undefined, flags: WatchFlags): Promise<void> {
  const flagged = WATCH_FLAGS.filter((f) => flags[f] !== undefined);
  if (planPath !== undefined && flagged.length > 0)
    throw new UsageError(
      `give a plan file or --${flagged[0]?.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} and the other watch flags, not both`,
    );
  let plan: WatchPlan;
  if (planPath !== undefined) {
    try {
      plan = loadWatchPlanFile(resolve(ctx.cwd, planPath));
    } catch (error) {
      if (error instanceof PlanError) throw new UsageError(error.message);
      throw error;
    }
  } else {
    if (!flags.keyword && !flags.user && !flags.topic && !flags.note)
      throw new UsageError(
        "nothing to watch: give a plan file (xhs watch watch.yaml) or --keyword, --user, --topic or --note",
      );
    plan = planFromFlags(flags);
  }
  // The key first, then the targets: nothing is created or paid when either is wrong.
  clientOptionsFrom(flags, ctx);
  const targets = everyTarget(plan);
  const deliveryDeps: DeliveryDeps = {
    // Webhooks are real HTTP (ctx.fetch is the TikHub side: the simulator in tests).
    fetch: globalThis.fetch,
    clock: systemClock,
    sleep: systemSleep,
    env: ctx.env,
    stdout: ctx.stdout,
    resolvePath: (path) => resolve(ctx.cwd, path),
  };
  try {
    await checkTargets(targets, deliveryDeps);
  } catch (error) {
    if (error instanceof DeliveryConfigError) throw new UsageError(error.message);
    throw error;
  }
  const db = dbTarget(ctx, flags.db, DEFAULT_DB);
  const store = await openCliStore(ctx, db, { secrets: [...ctx.secrets] });
  const owner = ownerName(hostname(), process.pid, randomBytes(4).toString("hex"));
  let lock: Awaited<ReturnType<typeof acquireSchedulerLock>> = null;
  try {
    lock = await acquireSchedulerLock(store, owner, systemClock, { ownerGone: deadLocalOwner(hostname()) });
    if (!lock) {
      const holder = await leaseHolder(store);
      throw new UsageError(
        `another xhs watch is already scheduling on ${db}${holder ? ` (${holder.owner})` : ""}: one scheduler per database`,
      );
    }
    const client = await clientFromOptions(flags, ctx, { postgresUrl: isPostgresTarget(db) ? db : undefined });
    const ledger: AttemptEvent[] = [];
    const stopLedger = client.subscribe((event) => ledger.push(event));
    const state = new SqlWatchState(store);
    const execute = createExecutor({ client, store, state, clock: systemClock, signal: ctx.signal });
    const worker = new DeliveryWorker(state, new Map(targets.map((t) => [targetKey(t), t])), deliveryDeps);
    const watched = plan.watches.map((w) => w.name).join(", ");
    await writeText(
      ctx.stderr,
      `xhs watch: ${plan.watches.length} watch(es) (${watched}) → ${db}${flags.once ? " (once)" : ""}\n`,
    );
    try {
      const result = await runWatchLoop({
        plan,
        state,
        execute,
        deliveries: worker,
        clock: systemClock,
        sleep: systemSleep,
        signal: ctx.signal,
        once: flags.once === true,
        lock,
        onPass: async (pass, at, nextAt) => {
          if (ledger.length > 0) await store.appendLedger(null, ledger.splice(0));
          await writeText(ctx.stderr, terminalLines(passLine(pass, at, nextAt)));
        },
      });
      if (result.stop === "signal") {
        await writeText(ctx.stderr, "xhs watch: stopped (the tick in flight, if any, runs again next time)\n");
        ctx.exitCode = EXIT.interrupted;
      }
    } finally {
      stopLedger();
      if (ledger.length > 0) await store.appendLedger(null, ledger.splice(0)).catch(() => {});
      await client.close?.();
    }
  } finally {
    await lock?.release().catch(() => {});
    await store.close();
  }
}

function passLine(pass: PassResult, at: number, nextAt: number | null): string {
  const parts = [`${pass.committed.length} tick(s) done`];
  if (pass.waiting.length > 0) parts.push(`${pass.waiting.length} over today's budget (${pass.waiting[0]?.reason})`);
  if (pass.failed.length > 0) {
    const error = pass.failed[0]?.error;
    parts.push(
      `${pass.failed.length} failed, retried later (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const next = nextAt === null ? "" : `; next at ${new Date(nextAt).toISOString()}`;
  return `[${new Date(at).toISOString()}] ${parts.join(", ")}${next}\n`;
}
