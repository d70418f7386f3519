/**
 * Raw TikHub answers (`raw_answers`), kept only when the store was opened with raw-answer storage on.
 * Parameters and bodies are scrubbed of secrets before they are written.
 */
import type { Series } from "../../core/vocabulary.js";
import type { RawAnswer } from "../port.js";
import { scrubbedJson } from "../redact.js";
import type { SqliteConnection } from "./connection.js";
import type { Row } from "./rows.js";

export class RawAnswerTable {
  private readonly connection: SqliteConnection;
  readonly keep: boolean;

  constructor(connection: SqliteConnection, keep: boolean) {
    this.connection = connection;
    this.keep = keep;
  }

  /** Returns whether the answer was kept. */
  save(answer: RawAnswer): boolean {
    if (!this.keep) return false;
    const { connection } = this;
    connection
      .statement(
        `INSERT INTO raw_answers (run_id, endpoint, series, params, http_status, request_id, fetched_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        answer.runId,
        answer.endpoint,
        answer.series,
        scrubbedJson(answer.params, connection.scrubData),
        answer.httpStatus,
        answer.requestId,
        answer.fetchedAt,
        scrubbedJson(answer.body, connection.scrubData),
      );
    return true;
  }

  list(filter?: { runId?: string; limit?: number }): RawAnswer[] {
    const rows = this.connection
      .statement("SELECT * FROM raw_answers WHERE (@runId IS NULL OR run_id = @runId) ORDER BY id LIMIT @limit")
      .all({ runId: filter?.runId ?? null, limit: filter?.limit ?? -1 }) as Row[];
    return rows.map((r) => ({
      runId: (r.run_id as string | null) ?? null,
      endpoint: String(r.endpoint),
      series: r.series as Series,
      params: JSON.parse(String(r.params)) as Record<string, string | number>,
      httpStatus: (r.http_status as number | null) ?? null,
      requestId: (r.request_id as string | null) ?? null,
      fetchedAt: String(r.fetched_at),
      body: JSON.parse(String(r.body)) as unknown,
    }));
  }
}
