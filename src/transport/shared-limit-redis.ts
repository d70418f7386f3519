/**
 * The shared limiter on Redis: one Lua script books a call on every bucket at once (Redis runs a script
 * atomically, so processes on any machine see one order). A bucket is one string key holding its `tat`
 * (ms); it expires a minute after its last booking is due, so idle keys leave nothing behind.
 */
import { Redis } from "ioredis";
import { type BucketRule, intervalMs, type SharedRateLimiter, toleranceMs } from "./shared-limit.js";

/** KEYS: the buckets; ARGV: now, then interval and tolerance per bucket. Returns the send time as a string. */
const BOOK = `
local now = tonumber(ARGV[1])
local send = now
local tats = {}
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  tats[i] = tat
  send = math.max(send, tat - tonumber(ARGV[2 * i + 1]))
end
for i = 1, #KEYS do
  local tat = math.max(tats[i], send) + tonumber(ARGV[2 * i])
  redis.call('SET', KEYS[i], string.format('%.17g', tat), 'PX', math.ceil(tat - now) + 60000)
end
return string.format('%.17g', send)
`;

export class RedisSharedLimiter implements SharedRateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  /** Commands awaiting an answer: the socket keeps the process alive only while there are some. */
  #inFlight = 0;

  constructor(url: string, prefix = "xhs:rate:") {
    this.#prefix = prefix;
    // A command fails after a few reconnect tries instead of queueing forever: the caller then stops.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
    this.#redis.defineCommand("xhsBook", { lua: BOOK });
    // The connection alone does not keep a CLI process alive once its work is done.
    this.#redis.on("connect", () => this.#holdProcess());
    this.#redis.on("error", () => {
      // Reported through the failing command; without a listener ioredis prints every reconnect attempt.
    });
  }

  async reserve(rules: readonly BucketRule[], nowMs: number): Promise<number> {
    if (rules.length === 0) return nowMs;
    const args: Array<string | number> = rules.map((rule) => this.#prefix + rule.id);
    args.push(nowMs);
    for (const rule of rules) args.push(intervalMs(rule), toleranceMs(rule));
    const book = (
      this.#redis as unknown as Record<string, (n: number, ...a: Array<string | number>) => Promise<string>>
    ).xhsBook as (n: number, ...a: Array<string | number>) => Promise<string>;
    const sendAt = await this.#answer(() => book.call(this.#redis, rules.length, ...args));
    return Number(sendAt);
  }

  async check(): Promise<void> {
    await this.#answer(() => this.#redis.ping());
  }

  async #answer<T>(command: () => Promise<T>): Promise<T> {
    this.#inFlight++;
    this.#holdProcess();
    try {
      return await command();
    } finally {
      this.#inFlight--;
      this.#holdProcess();
    }
  }

  /** Refs the socket while a command waits (else the process could end mid-booking), unrefs it when idle. */
  #holdProcess(): void {
    const stream = this.#redis.stream as { ref?: () => void; unref?: () => void } | undefined;
    if (this.#inFlight > 0) stream?.ref?.();
    else stream?.unref?.();
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
