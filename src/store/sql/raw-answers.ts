/**
 * Raw TikHub answers (`raw_answers`), kept only when the store was opened with raw-answer storage on.
 * Parameters and bodies are scrubbed of secrets before they are written.
 */
import type { Series } from "../../core/vocabulary.js";
import type { RawAnswer } from "../port.js";
import { scrubbedJson } from "../redact.js";
import type { SqlContext } from "./context.js";

export class RawAnswerTable {
  private readonly context: SqlContext;
  readonly keep: boolean;

  constructor(context: SqlContext, keep: boolean) {
    this.context = context;
    this.keep = keep;
  }

  /** Returns whether the answer was kept. */
  async save(answer: RawAnswer): Promise<boolean> {
    if (!this.keep) return false;
    const { context } = this;
    await context.run((db) =>
      db
        .insertInto("raw_answers")
        .values({
          run_id: answer.runId,
          endpoint: answer.endpoint,
          series: answer.series,
          params: scrubbedJson(answer.params, context.scrubData),
          http_status: answer.httpStatus,
          request_id: answer.requestId,
          fetched_at: answer.fetchedAt,
          body: scrubbedJson(answer.body, context.scrubData),
        })
        .execute(),
    );
    return true;
  }

  async list(filter?: { runId?: string; limit?: number }): Promise<RawAnswer[]> {
    const rows = await this.context.run((db) => {
      let query = db.selectFrom("raw_answers").selectAll().orderBy("id");
      if (filter?.runId !== undefined) query = query.where("run_id", "=", filter.runId);
      if (filter?.limit !== undefined) query = query.limit(filter.limit);
      return query.execute();
    });
    return rows.map((r) => ({
      runId: (r.run_id as string | null) ?? null,
      endpoint: String(r.endpoint),
      series: r.series as Series,
      params: JSON.parse(String(r.params)) as Record<string, string | number>,
      httpStatus: r.http_status === null ? null : Number(r.http_status),
      requestId: (r.request_id as string | null) ?? null,
      fetchedAt: String(r.fetched_at),
      body: JSON.parse(String(r.body)) as unknown,
    }));
  }
}
