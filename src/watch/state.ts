/**
 * What a watch remembers between ticks, as a small port (`WatchStateStore`) so the SQL store keeps it in
 * tables beside the records (issue #14): tasks (what ran, what is due), tracked notes, spend per day
 * and the alert outbox with each delivery's state. `memory-state.ts` implements it for tests.
 *
 * Crash safety rests on one rule: everything one tick decided is one `TickCommit`, written atomically and
 * keyed by the tick's id (the task and the slot it ran for). Replaying a commit after a crash changes
 * nothing; a tick whose commit never landed runs again (its calls are paid twice, its alerts are not
 * raised twice: an alert's id is a function of what it is about, not of when it was found). The SQL state
 * (sql-state.ts, tables of src/store/sql/watch-tables.ts) also commits the tick's records in the same
 * transaction (`atomically`).
 */

/** The kinds of work a watch does on a schedule. */
export type TaskKind = "discover" | "refresh_note" | "new_comments" | "refresh_user";

export interface TaskState {
  /** `<kind>|<watch>|<target>`: stable while the plan says the same thing. */
  key: string;
  watch: string;
  kind: TaskKind;
  /** Note id, user ref, or a discovery source (`keyword|露营|latest|all|all`, `user|<ref>`, `topic|<id>|<sort>`). */
  target: string;
  /** How many ticks of it have run. */
  runs: number;
  /** Epoch ms of the last run; null before the first. */
  lastRunAt: number | null;
  /** Epoch ms when it is next due; null: never again (a note past its refresh horizon). */
  nextDueAt: number | null;
}

export interface TrackedNote {
  watch: string;
  noteId: string;
  /** Epoch ms the watch first saw the note (its refresh schedule counts from here). */
  firstSeenAt: number;
}

/** Spend of one watch on one UTC day (`YYYY-MM-DD`). */
export interface SpendRow {
  day: string;
  watch: string;
  calls: number;
  usd: number;
}

export type AlertKind = "new_note" | "count_above" | "taking_off" | "new_comment" | "followers_above";

export interface AlertRecord {
  /** Stable: the same finding about the same subject under the same rule gets the same id (delivered once). */
  id: string;
  watch: string;
  kind: AlertKind;
  /** The note, comment or user the alert is about. */
  subject: string;
  /** Epoch ms the tick that raised it ran. */
  raisedAt: number;
  /** What the receiver reads (JSON): the record's title, counts, the rule, a URL. */
  detail: Record<string, unknown>;
}

export type DeliveryStatus = "pending" | "delivered" | "dead";

/** One alert to one target (a target is named by `targetKey`, e.g. `webhook|https://…`, `stdout`, `file|path`). */
export interface DeliveryState {
  alertId: string;
  targetKey: string;
  status: DeliveryStatus;
  attempts: number;
  /** Epoch ms of the next try (pending only). */
  nextAttemptAt: number;
  lastError: string | null;
  /** Epoch ms delivered or given up. */
  settledAt: number | null;
}

/** Everything one tick decided, written at once. */
export interface TickCommit {
  /** `<task key>@<slot ms>`: the slot the tick ran for; a second commit with the same id changes nothing. */
  tickId: string;
  task: TaskState;
  /** Notes this tick started tracking (already tracked ones are left as they are). */
  track: TrackedNote[];
  /** Tasks this tick created (e.g. the refresh and comments tasks of newly tracked notes); existing keys are kept. */
  newTasks: TaskState[];
  /** Added to the watch's row of that day. */
  spend: SpendRow | null;
  /** Raised alerts: each inserted with one pending delivery per target unless its id is already known. */
  alerts: AlertRecord[];
  /** Target keys each new alert is delivered to. */
  targets: string[];
}

/** A delivery's new state after a try: the whole row, replaced. */
export type DeliveryUpdate = DeliveryState;

export interface WatchStateStore {
  /**
   * Runs fn in one transaction of the database the records are in, so what a tick stored and its `commitTick`
   * land together (the SQL state). A state without it (memory) commits the tick alone.
   */
  atomically?<T>(fn: () => Promise<T>): Promise<T>;
  tasks(): Promise<TaskState[]>;
  trackedNotes(watch?: string): Promise<TrackedNote[]>;
  /** Every watch's spend on that day. */
  spend(day: string): Promise<SpendRow[]>;
  /** Applies a tick atomically; false (and nothing written) when `tickId` was already committed. */
  commitTick(commit: TickCommit): Promise<boolean>;
  alert(id: string): Promise<AlertRecord | null>;
  alerts(filter?: { watch?: string }): Promise<AlertRecord[]>;
  /** Pending deliveries whose next try is due at `now`, oldest first. */
  dueDeliveries(now: number, limit?: number): Promise<DeliveryState[]>;
  deliveries(filter?: { status?: DeliveryStatus }): Promise<DeliveryState[]>;
  /** Records a try's outcome; only a pending delivery changes (a settled one stays settled). */
  updateDelivery(update: DeliveryUpdate): Promise<void>;
}

/** The UTC day of an epoch-ms time, the unit of daily budgets. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
