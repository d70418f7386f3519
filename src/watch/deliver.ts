/**
 * Alert deliveries: a webhook (JSON POST signed with HMAC-SHA256, tried again with backoff, dead-lettered
 * after the last try), JSON lines on stdout, or a file. The outbox is the state store's: an alert raised by
 * a tick is committed with one pending delivery per target, and `DeliveryWorker` works through what is due,
 * so a restart picks up exactly the deliveries that had not succeeded.
 *
 * "Once": a delivery is marked delivered right after its receiver answered 2xx. A crash between the two
 * would send it again, with the same `X-Xhs-Alert-Id`: receivers that must never see a duplicate dedupe on
 * that id (no HTTP sender can do better).
 */
import { createHmac } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { InvalidInputError, XhsError } from "../core/errors.js";
import type { Clock, Sleep } from "../core/types.js";
import type { DeliveryTarget } from "../crawl/plan/watch.js";
import type { AlertRecord, DeliveryState, WatchStateStore } from "./state.js";

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>` with the target's secret. */
export const SIGNATURE_HEADER = "x-xhs-signature-256";
export const ALERT_ID_HEADER = "x-xhs-alert-id";

/** A delivery that did not work this time (or a webhook that cannot be used at all). */
export class DeliveryError extends XhsError {
  constructor(
    message: string,
    /** What went wrong, without the target's name (`ECONNREFUSED`, `HTTP 503`). */
    readonly reason: string = message,
  ) {
    super("connection", message);
  }
}

/** A delivery target that cannot be used (no secret, the receiver does not answer): refused at start. */
export class DeliveryConfigError extends InvalidInputError {}

export function targetKey(target: DeliveryTarget): string {
  switch (target.kind) {
    case "webhook":
      return `webhook|${target.url}`;
    case "file":
      return `file|${target.path}`;
    case "stdout":
      return "stdout";
  }
}

/** The JSON every target receives for an alert (the same bytes on every try: the signature covers them). */
export function alertBody(alert: AlertRecord): string {
  return JSON.stringify({
    id: alert.id,
    watch: alert.watch,
    kind: alert.kind,
    subject: alert.subject,
    raisedAt: new Date(alert.raisedAt).toISOString(),
    detail: alert.detail,
  });
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Tries of non-webhook targets (a full disk or a closed stdout rarely heals, but may). */
const LOCAL_MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 30 * 60_000;
const WEBHOOK_TIMEOUT_MS = 10_000;

/** Wait before try `attempt + 1` after `attempt` failed ones: 30 s doubling, at most 30 min (10 tries ≈ 2 h). */
export function deliveryBackoff(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

export interface DeliveryDeps {
  fetch: typeof fetch;
  clock: Clock;
  sleep: Sleep;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  /** Relative file targets resolve against it (a plain string join; default: as given). */
  resolvePath?: (path: string) => string;
}

/** Sends one alert to one target; throws DeliveryError when it did not arrive. */
export async function sendAlert(alert: AlertRecord, target: DeliveryTarget, deps: DeliveryDeps): Promise<void> {
  const body = alertBody(alert);
  if (target.kind === "stdout") {
    deps.stdout.write(`${body}\n`);
    return;
  }
  if (target.kind === "file") {
    const path = deps.resolvePath ? deps.resolvePath(target.path) : target.path;
    try {
      await appendFile(path, `${body}\n`, "utf8");
    } catch (error) {
      throw new DeliveryError(`cannot append to ${target.path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    return;
  }
  const secret = webhookSecret(target, deps.env);
  const status = await post(
    target.url,
    body,
    { [ALERT_ID_HEADER]: alert.id, [SIGNATURE_HEADER]: signBody(body, secret) },
    deps,
  );
  if (status < 200 || status >= 300) throw new DeliveryError(`${target.url} answered HTTP ${status}`);
}

function webhookSecret(target: Extract<DeliveryTarget, { kind: "webhook" }>, env: DeliveryDeps["env"]): string {
  const secret = env[target.secretEnv];
  if (!secret) throw new DeliveryConfigError(`webhook ${target.url}: set ${target.secretEnv} to its signing secret`);
  return secret;
}

/** POSTs with a timeout on the injected clock; the status, or DeliveryError when nothing answered. */
async function post(url: string, body: string, headers: Record<string, string>, deps: DeliveryDeps): Promise<number> {
  const controller = new AbortController();
  const timer = new AbortController();
  const timeout = deps.sleep(WEBHOOK_TIMEOUT_MS, timer.signal).then(
    () => controller.abort(),
    () => undefined,
  );
  try {
    const response = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: controller.signal,
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  } catch (error) {
    const why = controller.signal.aborted ? `no answer in ${WEBHOOK_TIMEOUT_MS / 1000} s` : describeFetchError(error);
    throw new DeliveryError(`${url}: ${why}`, why);
  } finally {
    timer.abort();
    await timeout;
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/**
 * Checks every target before a watch starts, so a typo fails at once (exit 2) rather than an hour later:
 * each webhook has its secret and answers a signed `{"type":"ping"}` (any HTTP status will do: a receiver
 * that is down for a while still gets its alerts later; one that cannot be reached at all is a mistake).
 */
export async function checkTargets(targets: readonly DeliveryTarget[], deps: DeliveryDeps): Promise<void> {
  const problems: string[] = [];
  for (const target of targets) {
    if (target.kind !== "webhook") continue;
    try {
      const secret = webhookSecret(target, deps.env);
      const body = JSON.stringify({ type: "ping" });
      await post(target.url, body, { [SIGNATURE_HEADER]: signBody(body, secret) }, deps);
    } catch (error) {
      problems.push(
        error instanceof DeliveryConfigError
          ? error.message
          : `webhook ${target.url} cannot be reached (${error instanceof DeliveryError ? error.reason : String(error)})`,
      );
    }
  }
  if (problems.length > 0) throw new DeliveryConfigError(problems.join("\n"));
}

/** Works through the outbox: each due delivery tried once per pass, then delivered, retried later or dead. */
export class DeliveryWorker {
  constructor(
    private readonly state: WatchStateStore,
    /** Every target the plan names, by key (a delivery whose target left the plan is dead-lettered). */
    private readonly targets: ReadonlyMap<string, DeliveryTarget>,
    private readonly deps: DeliveryDeps,
  ) {}

  /** Tries every delivery due now; returns how many were tried. */
  async runDue(): Promise<number> {
    const now = this.deps.clock.now();
    const due = await this.state.dueDeliveries(now);
    for (const delivery of due) await this.tryOne(delivery, now);
    return due.length;
  }

  /** Epoch ms of the next pending try (null: nothing pending). */
  async nextAttemptAt(): Promise<number | null> {
    const pending = await this.state.deliveries({ status: "pending" });
    return pending.reduce<number | null>(
      (best, d) => (best === null || d.nextAttemptAt < best ? d.nextAttemptAt : best),
      null,
    );
  }

  /** Delivers until nothing is pending (or the signal aborts), sleeping between tries on the injected clock. */
  async drain(signal?: AbortSignal): Promise<void> {
    for (;;) {
      await this.runDue();
      const next = await this.nextAttemptAt();
      if (next === null || signal?.aborted) return;
      await this.deps.sleep(Math.max(0, next - this.deps.clock.now()), signal);
    }
  }

  private async tryOne(delivery: DeliveryState, now: number): Promise<void> {
    const alert = await this.state.alert(delivery.alertId);
    const target = this.targets.get(delivery.targetKey);
    const settle = (status: "delivered" | "dead", attempts: number, lastError: string | null) =>
      this.state.updateDelivery({ ...delivery, status, attempts, lastError, settledAt: this.deps.clock.now() });
    if (!alert || !target) {
      await settle("dead", delivery.attempts, alert ? "the target is no longer in the plan" : "the alert is gone");
      return;
    }
    const attempts = delivery.attempts + 1;
    try {
      await sendAlert(alert, target, this.deps);
      await settle("delivered", attempts, null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const max = target.kind === "webhook" ? target.maxAttempts : LOCAL_MAX_ATTEMPTS;
      if (attempts >= max || error instanceof DeliveryConfigError) {
        await settle("dead", attempts, message);
        return;
      }
      await this.state.updateDelivery({
        ...delivery,
        attempts,
        lastError: message,
        nextAttemptAt: now + deliveryBackoff(attempts),
      });
    }
  }
}
