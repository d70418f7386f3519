/**
 * Crawl runs (`runs`): created, patched as the run goes, listed most recent first. The plan, stats and report are
 * JSON, scrubbed of secrets before they are written; the budget is JSON of numbers and a time.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { InvalidInputError, NotFoundError } from "../../core/errors.js";
import type { NewRun, RunBudget, RunFilter, RunPatch, RunRecord, RunStatus } from "../port.js";
import { scrubbedJson } from "../redact.js";
import type { SqlContext } from "./context.js";
import type { Row } from "./dialect.js";
import { parseJson } from "./rows.js";

export class RunTable {
  private readonly context: SqlContext;

  constructor(context: SqlContext) {
    this.context = context;
  }

  async get(id: string, options: { forUpdate?: boolean } = {}): Promise<RunRecord | null> {
    const { dialect } = this.context;
    const row = await this.context.run((db) => {
      const query = db.selectFrom("runs").selectAll().where("id", "=", id);
      return (options.forUpdate === true ? dialect.lockForUpdate(query) : query).executeTakeFirst();
    });
    return row === undefined ? null : rowToRun(row);
  }

  async create(run: NewRun): Promise<RunRecord> {
    const { context } = this;
    const now = context.nowIso();
    const id = run.id ?? newRunId(context.nowMs());
    if (id.trim() === "") throw new InvalidInputError("A run id cannot be empty");
    const status = run.status ?? "running";
    const added = await context.run((db) =>
      db
        .insertInto("runs")
        .values({
          id,
          status,
          plan_key: run.planKey ?? null,
          plan: run.plan === undefined ? null : scrubbedJson(run.plan, context.scrubData),
          stats: null,
          report: null,
          created_at: now,
          updated_at: now,
          finished_at: status === "running" ? null : now,
          budget: null,
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirst(),
    );
    if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0)
      throw new InvalidInputError(`A run with id ${id} already exists`);
    return (await this.get(id))!;
  }

  async update(id: string, patch: RunPatch): Promise<RunRecord> {
    const { context } = this;
    const run = await this.get(id);
    if (run === null) throw new NotFoundError(`No crawl run with id ${id}`);
    const now = context.nowIso();
    let finishedAt = run.finishedAt;
    if (patch.finishedAt !== undefined) finishedAt = patch.finishedAt;
    else if (patch.status === "running") finishedAt = null;
    else if (patch.status !== undefined && finishedAt === null) finishedAt = now;
    const set: Row = { updated_at: now, finished_at: finishedAt };
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.stats !== undefined) set.stats = scrubbedJson(patch.stats, context.scrub);
    if (patch.report !== undefined) set.report = scrubbedJson(patch.report, context.scrub);
    if (patch.budget !== undefined) set.budget = patch.budget === null ? null : JSON.stringify(patch.budget);
    await context.run((db) => db.updateTable("runs").set(set).where("id", "=", id).execute());
    return (await this.get(id))!;
  }

  async list(filter: RunFilter): Promise<RunRecord[]> {
    const order = sql.raw(this.context.dialect.orderColumn);
    const rows = await this.context.run((db) => {
      let query = db
        .selectFrom("runs")
        .selectAll()
        .orderBy("created_at", "desc")
        .orderBy(order, "desc")
        .limit(filter.limit ?? 50);
      if (filter.planKey !== undefined) query = query.where("plan_key", "=", filter.planKey);
      if (filter.status !== undefined) {
        const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
        if (statuses.length === 0) return Promise.resolve([]);
        query = query.where("status", "in", statuses);
      }
      return query.execute();
    });
    return rows.map(rowToRun);
  }
}

function rowToRun(r: Row): RunRecord {
  return {
    id: String(r.id),
    status: r.status as RunStatus,
    planKey: (r.plan_key as string | null) ?? null,
    plan: parseJson(r.plan),
    stats: parseJson(r.stats),
    report: parseJson(r.report),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    finishedAt: (r.finished_at as string | null) ?? null,
    budget: (parseJson(r.budget) as RunBudget | null) ?? null,
  };
}

/** e.g. "20260130-012345-7f3a": sortable by time, short enough to type. */
function newRunId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
