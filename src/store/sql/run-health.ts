/**
 * Series-health snapshots (`run_health`): one row per run and crawling process, replaced on each write, so the
 * dashboard can show the breakers of processes it does not share memory with. The JSON is scrubbed of secrets
 * before it is written (it holds key fingerprints only, but a message could quote anything).
 */
import type { RunHealthSnapshot } from "../port.js";
import { scrubbedJson } from "../redact.js";
import type { SqlContext } from "./context.js";
import { parseJson } from "./rows.js";

export class RunHealthTable {
  constructor(private readonly context: SqlContext) {}

  async save(snapshot: RunHealthSnapshot): Promise<void> {
    const writtenMs = Date.parse(snapshot.writtenAt);
    const row = {
      run_id: snapshot.runId,
      writer: snapshot.writer,
      written_at: snapshot.writtenAt,
      written_ms: Number.isNaN(writtenMs) ? this.context.nowMs() : writtenMs,
      series: scrubbedJson(snapshot.health, this.context.scrub),
    };
    await this.context.run((db) =>
      db
        .insertInto("run_health")
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(["run_id", "writer"])
            .doUpdateSet({ written_at: row.written_at, written_ms: row.written_ms, series: row.series }),
        )
        .execute(),
    );
  }

  async list(runId: string): Promise<RunHealthSnapshot[]> {
    const rows = await this.context
      .run((db) =>
        db
          .selectFrom("run_health")
          .selectAll()
          .where("run_id", "=", runId)
          .orderBy("written_ms", "desc")
          .orderBy("writer")
          .execute(),
      )
      .catch((error: unknown) => {
        // A database of schema 7 or older opened read-only (`xhs runs show`) has no such table: no snapshots.
        if (/no such table|does not exist/i.test(String(error))) return [];
        throw error;
      });
    return rows.map((r) => ({
      runId: String(r.run_id),
      writer: String(r.writer),
      writtenAt: String(r.written_at),
      health: parseJson(r.series),
    }));
  }
}
