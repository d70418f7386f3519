/**
 * The `--db` option every command that keeps data takes: a SQLite file (relative to the working folder) or a
 * Postgres URL, `XHS_DATABASE_URL` when the option is not given, else the command's default file. Opening it is
 * `openStore` (a bad URL, an unreachable server or a newer schema is exit 2), done before any paid call.
 */
import { resolve } from "node:path";
import { type OpenStoreOptions, openStore, sqlitePathOf } from "../store/open-store.js";
import type { SqlStore } from "../store/sql/sql-store.js";
import type { CliContext } from "./context.js";

/** What `--db` names: the option, else XHS_DATABASE_URL, else the default file. */
export function dbTarget(ctx: CliContext, option: string | undefined, fallback: string): string {
  const fromEnv = ctx.env["XHS_DATABASE_URL"]?.trim();
  return option ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : fallback);
}

/** The file a SQLite target names, resolved against the working folder; null for Postgres. */
export function sqliteFileOf(ctx: CliContext, target: string): string | null {
  const path = sqlitePathOf(target);
  return path === null || path === ":memory:" ? path : resolve(ctx.cwd, path);
}

/** Opens the store `target` names (a SQLite path relative to the working folder). */
export function openCliStore(ctx: CliContext, target: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  return openStore(sqliteFileOf(ctx, target) ?? target, options);
}
