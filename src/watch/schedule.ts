/**
 * The scheduling core, pure: which tasks a plan asks for, which are due at a time given the state, the
 * decaying refresh schedule, and the state a finished tick leaves (a `TickCommit`). No clock is read here:
 * every function takes `now`, so a fake clock drives it in tests and a restart sees exactly what was stored.
 *
 * Slots: an interval task is due on a grid (its first run, then every `every`). A tick runs for the latest
 * slot that is due; slots missed while the process was down are coalesced into that one tick (a discovery
 * that stops at the first known note finds everything since the last run anyway), never replayed one by one.
 */
import type { RefreshSchedule, WatchDefinition, WatchPlan } from "../crawl/plan/watch.js";
import type { AlertRecord, SpendRow, TaskKind, TaskState, TickCommit, TrackedNote } from "./state.js";

/** A task due now: the slot it runs for names the tick (`tickId`), so a replayed commit is recognised. */
export interface DueTask {
  task: TaskState;
  watch: WatchDefinition;
  /** Epoch ms of the slot this tick runs for. */
  slot: number;
  tickId: string;
}

export function taskKey(kind: TaskKind, watch: string, target: string): string {
  return `${kind}|${watch}|${target}`;
}

/** The tasks a plan asks for before anything ran: discoveries, user refreshes and the listed notes. */
export function plannedTasks(plan: WatchPlan, start: number): TaskState[] {
  const tasks: TaskState[] = [];
  const add = (watch: string, kind: TaskKind, target: string) =>
    tasks.push({ key: taskKey(kind, watch, target), watch, kind, target, runs: 0, lastRunAt: null, nextDueAt: start });
  for (const watch of plan.watches) {
    if (watch.actions.newNotes) {
      for (const k of watch.keywords) add(watch.name, "discover", `keyword|${k.keyword}|${k.sort}|${k.type}|${k.time}`);
      for (const u of watch.users) add(watch.name, "discover", `user|${u}`);
      for (const t of watch.topics) add(watch.name, "discover", `topic|${t.pageId}|${t.sort}`);
    }
    if (watch.actions.refreshUsers) for (const u of watch.users) add(watch.name, "refresh_user", u);
    // A listed note is tracked from its first refresh; without a refresh schedule, its comments still are.
    for (const n of watch.notes) {
      if (watch.actions.refreshCounts) add(watch.name, "refresh_note", n);
      else if (watch.actions.newComments) add(watch.name, "new_comments", n);
    }
  }
  return tasks;
}

/**
 * The tasks due at `now`, earliest slot first (ties by key, so the order is the same after a restart).
 * Stored tasks of watches no longer in the plan are left alone; planned tasks never run are due at once.
 */
export function dueTasks(plan: WatchPlan, stored: readonly TaskState[], now: number): DueTask[] {
  const watches = new Map(plan.watches.map((w) => [w.name, w]));
  const byKey = new Map(stored.map((t) => [t.key, t]));
  for (const planned of plannedTasks(plan, now)) if (!byKey.has(planned.key)) byKey.set(planned.key, planned);
  const due: DueTask[] = [];
  for (const task of byKey.values()) {
    const watch = watches.get(task.watch);
    if (!watch || task.nextDueAt === null || task.nextDueAt > now) continue;
    if (!stillAsked(task, watch)) continue;
    const slot = latestSlot(task, watch, now);
    due.push({ task, watch, slot, tickId: `${task.key}@${slot}` });
  }
  return due.sort((a, b) => a.slot - b.slot || (a.task.key < b.task.key ? -1 : a.task.key > b.task.key ? 1 : 0));
}

/** When anything is next due (null: nothing ever again), to sleep until then. */
export function nextWakeAt(plan: WatchPlan, stored: readonly TaskState[], now: number): number | null {
  const due = dueTasks(plan, stored, Number.MAX_SAFE_INTEGER);
  let best: number | null = null;
  for (const d of due) {
    const at = Math.max(now, d.task.nextDueAt ?? now);
    if (best === null || at < best) best = at;
  }
  return best;
}

/** A stored task whose action the plan no longer asks for (an edited plan) is not run. */
function stillAsked(task: TaskState, watch: WatchDefinition): boolean {
  switch (task.kind) {
    case "discover":
      return watch.actions.newNotes !== null;
    case "refresh_note":
      return watch.actions.refreshCounts !== null;
    case "new_comments":
      return watch.actions.newComments !== null;
    case "refresh_user":
      return watch.actions.refreshUsers;
  }
}

/** The latest slot of the task's grid at or before `now` (refreshes have their own times: the due one). */
function latestSlot(task: TaskState, watch: WatchDefinition, now: number): number {
  const due = task.nextDueAt ?? now;
  if (task.kind === "refresh_note") return due;
  const missed = Math.floor((now - due) / watch.everyMs);
  return due + missed * watch.everyMs;
}

/**
 * The refresh times of a note first seen at `firstSeenAt`: each offset, then every `thenEvery` after the
 * last one, up to the horizon (inclusive).
 */
export function refreshTimes(firstSeenAt: number, schedule: RefreshSchedule): number[] {
  const times = schedule.offsets.filter((o) => o <= schedule.horizon).map((o) => firstSeenAt + o);
  let offset = schedule.offsets.at(-1) ?? 0;
  for (;;) {
    offset += schedule.thenEvery;
    if (offset > schedule.horizon) break;
    times.push(firstSeenAt + offset);
  }
  return times;
}

/** The first refresh strictly after `after`; null when the note is past its horizon. */
export function nextRefreshAt(firstSeenAt: number, schedule: RefreshSchedule, after: number): number | null {
  return refreshTimes(firstSeenAt, schedule).find((t) => t > after) ?? null;
}

/** What a tick learnt, for `completeTick`. */
export interface TickOutcome {
  /** Epoch ms the tick ran (its calls were made at about this time). */
  ranAt: number;
  /** Notes found that the watch does not track yet (discoveries), to track from now. */
  newNoteIds?: readonly string[];
  /** The note or user is gone (deleted, made private): its refreshes and comment fetches end here. */
  gone?: boolean;
  /** When the tick is the first refresh of a listed note: when the watch started tracking it. */
  firstSeenAt?: number;
  calls: number;
  usd: number;
  alerts: readonly AlertRecord[];
  /** Target keys every alert of this watch goes to. */
  targets: readonly string[];
}

/** The state one finished tick leaves: the task's next slot, the notes it now tracks, spend and alerts. */
export function completeTick(due: DueTask, outcome: TickOutcome, tracked: readonly TrackedNote[]): TickCommit {
  const { task, watch } = due;
  const ranAt = outcome.ranAt;
  const track: TrackedNote[] = [];
  const newTasks: TaskState[] = [];
  const trackNote = (noteId: string, firstSeenAt: number) => {
    track.push({ watch: watch.name, noteId, firstSeenAt });
    const schedule = watch.actions.refreshCounts;
    if (schedule && task.kind !== "refresh_note") {
      const next = nextRefreshAt(firstSeenAt, schedule, firstSeenAt);
      newTasks.push(newTask(watch.name, "refresh_note", noteId, next));
    }
    if (watch.actions.newComments && task.kind !== "new_comments")
      newTasks.push(newTask(watch.name, "new_comments", noteId, firstSeenAt + watch.everyMs));
  };
  for (const id of outcome.newNoteIds ?? []) trackNote(id, ranAt);

  let nextDueAt: number | null;
  if (task.kind === "refresh_note") {
    const known = tracked.find((t) => t.watch === watch.name && t.noteId === task.target);
    const firstSeenAt = known?.firstSeenAt ?? outcome.firstSeenAt ?? ranAt;
    if (!known) trackNote(task.target, firstSeenAt);
    const schedule = watch.actions.refreshCounts;
    nextDueAt = schedule ? nextRefreshAt(firstSeenAt, schedule, Math.max(ranAt, due.slot)) : null;
  } else {
    nextDueAt = due.slot + watch.everyMs;
    if (task.kind === "new_comments") {
      // Comments of a note are followed as long as its counts are (the refresh horizon), not for ever.
      const known = tracked.find((t) => t.watch === watch.name && t.noteId === task.target);
      if (!known) trackNote(task.target, outcome.firstSeenAt ?? ranAt);
      const horizon = watch.actions.refreshCounts?.horizon;
      const since = known?.firstSeenAt ?? outcome.firstSeenAt ?? ranAt;
      if (horizon !== undefined && nextDueAt > since + horizon) nextDueAt = null;
    }
  }
  if (outcome.gone && task.kind !== "discover") nextDueAt = null;
  const spend: SpendRow | null =
    outcome.calls > 0 || outcome.usd > 0
      ? { day: new Date(ranAt).toISOString().slice(0, 10), watch: watch.name, calls: outcome.calls, usd: outcome.usd }
      : null;
  return {
    tickId: due.tickId,
    task: { ...task, runs: task.runs + 1, lastRunAt: ranAt, nextDueAt },
    track,
    newTasks: newTasks.filter((t, i) => newTasks.findIndex((o) => o.key === t.key) === i),
    spend,
    alerts: [...outcome.alerts],
    targets: [...outcome.targets],
  };
}

function newTask(watch: string, kind: TaskKind, target: string, nextDueAt: number | null): TaskState {
  return { key: taskKey(kind, watch, target), watch, kind, target, runs: 0, lastRunAt: null, nextDueAt };
}
