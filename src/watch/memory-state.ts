/** The in-memory `WatchStateStore`: for tests and `--once` dry runs. Each commit is applied whole or not at all. */
import type {
  AlertRecord,
  DeliveryState,
  DeliveryStatus,
  DeliveryUpdate,
  SpendRow,
  TaskState,
  TickCommit,
  TrackedNote,
  WatchStateStore,
} from "./state.js";

export class MemoryWatchState implements WatchStateStore {
  private readonly taskRows = new Map<string, TaskState>();
  private readonly tracked = new Map<string, TrackedNote>();
  private readonly spendRows = new Map<string, SpendRow>();
  private readonly alertRows = new Map<string, AlertRecord>();
  private readonly deliveryRows = new Map<string, DeliveryState>();
  private readonly ticks = new Set<string>();

  async tasks(): Promise<TaskState[]> {
    return [...this.taskRows.values()].map((t) => ({ ...t }));
  }

  async trackedNotes(watch?: string): Promise<TrackedNote[]> {
    return [...this.tracked.values()].filter((t) => watch === undefined || t.watch === watch).map((t) => ({ ...t }));
  }

  async spend(day: string): Promise<SpendRow[]> {
    return [...this.spendRows.values()].filter((s) => s.day === day).map((s) => ({ ...s }));
  }

  async commitTick(commit: TickCommit): Promise<boolean> {
    if (this.ticks.has(commit.tickId)) return false;
    // Built apart, then swapped in: a throw half-way leaves the state as it was.
    const tasks = new Map(this.taskRows);
    const tracked = new Map(this.tracked);
    const spend = new Map(this.spendRows);
    const alerts = new Map(this.alertRows);
    const deliveries = new Map(this.deliveryRows);
    tasks.set(commit.task.key, { ...commit.task });
    for (const task of commit.newTasks) if (!tasks.has(task.key)) tasks.set(task.key, { ...task });
    for (const note of commit.track) {
      const key = `${note.watch}|${note.noteId}`;
      if (!tracked.has(key)) tracked.set(key, { ...note });
    }
    if (commit.spend) {
      const key = `${commit.spend.day}|${commit.spend.watch}`;
      const row = spend.get(key) ?? { day: commit.spend.day, watch: commit.spend.watch, calls: 0, usd: 0 };
      spend.set(key, { ...row, calls: row.calls + commit.spend.calls, usd: row.usd + commit.spend.usd });
    }
    for (const alert of commit.alerts) {
      if (alerts.has(alert.id)) continue;
      alerts.set(alert.id, structuredClone(alert));
      for (const targetKey of commit.targets) {
        deliveries.set(`${alert.id}|${targetKey}`, {
          alertId: alert.id,
          targetKey,
          status: "pending",
          attempts: 0,
          nextAttemptAt: alert.raisedAt,
          lastError: null,
          settledAt: null,
        });
      }
    }
    this.swap(this.taskRows, tasks);
    this.swap(this.tracked, tracked);
    this.swap(this.spendRows, spend);
    this.swap(this.alertRows, alerts);
    this.swap(this.deliveryRows, deliveries);
    this.ticks.add(commit.tickId);
    return true;
  }

  async alert(id: string): Promise<AlertRecord | null> {
    const row = this.alertRows.get(id);
    return row ? structuredClone(row) : null;
  }

  async alerts(filter: { watch?: string } = {}): Promise<AlertRecord[]> {
    return [...this.alertRows.values()]
      .filter((a) => filter.watch === undefined || a.watch === filter.watch)
      .map((a) => structuredClone(a));
  }

  async dueDeliveries(now: number, limit = 100): Promise<DeliveryState[]> {
    return [...this.deliveryRows.values()]
      .filter((d) => d.status === "pending" && d.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, limit)
      .map((d) => ({ ...d }));
  }

  async deliveries(filter: { status?: DeliveryStatus } = {}): Promise<DeliveryState[]> {
    return [...this.deliveryRows.values()]
      .filter((d) => filter.status === undefined || d.status === filter.status)
      .map((d) => ({ ...d }));
  }

  async updateDelivery(update: DeliveryUpdate): Promise<void> {
    const key = `${update.alertId}|${update.targetKey}`;
    const row = this.deliveryRows.get(key);
    if (row?.status !== "pending") return;
    this.deliveryRows.set(key, { ...update });
  }

  private swap<K, V>(target: Map<K, V>, source: Map<K, V>): void {
    target.clear();
    for (const [k, v] of source) target.set(k, v);
  }
}
