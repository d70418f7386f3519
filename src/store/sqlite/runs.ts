/**
 * Crawl runs (`runs`): created, patched as the run goes, listed most recent first. The plan, stats and
 * report are JSON, scrubbed of secrets before they are written.
 */
import { randomBytes } from "node:crypto";
import { InvalidInputError, NotFoundError } from "../../core/errors.js";
import type { NewRun, RunFilter, RunPatch, RunRecord, RunStatus } from "../port.js";
import { scrubbedJson } from "../redact.js";
import type { SqliteConnection } from "./connection.js";
import { parseJson, type Row } from "./rows.js";

export class RunTable {
  private readonly connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.connection = connection;
  }

  get(id: string): RunRecord | null {
    const row = this.connection.statement("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
    return row === undefined ? null : rowToRun(row);
  }

  create(run: NewRun): RunRecord {
    const { connection } = this;
    const now = connection.nowIso();
    const id = run.id ?? newRunId(connection.nowMs());
    if (id.trim() === "") throw new InvalidInputError("A run id cannot be empty");
    if (this.get(id) !== null) throw new InvalidInputError(`A run with id ${id} already exists`);
    const status = run.status ?? "running";
    connection
      .statement(
        `INSERT INTO runs (id, status, plan_key, plan, stats, report, created_at, updated_at, finished_at)
         VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)`,
      )
      .run(
        id,
        status,
        run.planKey ?? null,
        run.plan === undefined ? null : scrubbedJson(run.plan, connection.scrubData),
        now,
        now,
        status === "running" ? null : now,
      );
    return this.get(id)!;
  }

  update(id: string, patch: RunPatch): RunRecord {
    const { connection } = this;
    const run = this.get(id);
    if (run === null) throw new NotFoundError(`No crawl run with id ${id}`);
    const now = connection.nowIso();
    const status = patch.status ?? run.status;
    let finishedAt = run.finishedAt;
    if (patch.finishedAt !== undefined) finishedAt = patch.finishedAt;
    else if (patch.status === "running") finishedAt = null;
    else if (patch.status !== undefined && finishedAt === null) finishedAt = now;
    connection
      .statement(
        `UPDATE runs SET status = ?, stats = COALESCE(?, stats), report = COALESCE(?, report), updated_at = ?, finished_at = ?
         WHERE id = ?`,
      )
      .run(
        status,
        patch.stats === undefined ? null : scrubbedJson(patch.stats, connection.scrub),
        patch.report === undefined ? null : scrubbedJson(patch.report, connection.scrub),
        now,
        finishedAt,
        id,
      );
    return this.get(id)!;
  }

  list(filter: RunFilter): RunRecord[] {
    const statuses =
      filter.status === undefined
        ? null
        : JSON.stringify(Array.isArray(filter.status) ? filter.status : [filter.status]);
    const rows = this.connection
      .statement(
        `SELECT * FROM runs
         WHERE (@planKey IS NULL OR plan_key = @planKey)
           AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
         ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all({ planKey: filter.planKey ?? null, statuses, limit: filter.limit ?? 50 }) as Row[];
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
  };
}

/** e.g. "20260130-012345-7f3a": sortable by time, short enough to type. */
function newRunId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
