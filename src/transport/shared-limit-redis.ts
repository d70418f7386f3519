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

  constructor(url: string, prefix = "xhs:rate:") {
    this.#prefix = prefix;
    // A command fails after a few reconnect tries instead of queueing forever: the caller then stops.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
    this.#redis.defineCommand("xhsBook", { lua: BOOK });
    // The connection alone does not keep a CLI process alive once its work is done.
    this.#redis.on("connect", () => this.#redis.stream?.unref?.());
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
    const sendAt = await book.call(this.#redis, rules.length, ...args);
    return Number(sendAt);
  }

  async check(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
