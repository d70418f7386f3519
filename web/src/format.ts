/**
 * Numbers, money and times as a Chinese reader expects them. Counts are exact integers with grouping (约 marks an
 * approximate one); only chart axes round to 万/亿, where the ticks are round numbers anyway. Times are shown in
 * the browser's time zone, which the header names (see docs/decisions.md, Dashboard); the stored ISO 8601 UTC
 * value stays on each time element (`<Time>` in ui.tsx puts it in the title and datetime attributes).
 */

const integer = new Intl.NumberFormat("zh-CN");
const compact = new Intl.NumberFormat("zh-CN", { notation: "compact", maximumFractionDigits: 4 });

export function count(n: number | null | undefined, approx = false): string {
  if (n === null || n === undefined) return "—";
  return `${approx ? "约 " : ""}${integer.format(n)}`;
}

/** A chart axis tick: 9,500 / 1.2万 / 3亿 (no fraction digits lost: ticks are round). */
export function axisCount(n: number): string {
  return Math.abs(n) < 10_000 ? integer.format(n) : compact.format(n);
}

const dollars = new Intl.NumberFormat("en-US", { minimumFractionDigits: 4, maximumFractionDigits: 4 });

/**
 * Money in one format everywhere on the dashboard: four decimals, as `xhs runs show` prints it ($0.6800, $5.9500,
 * $1,234.5000): a call costs a fraction of a cent, and amounts side by side read alike.
 */
export function usd(n: number): string {
  return `${n < 0 ? "-" : ""}$${dollars.format(Math.abs(n))}`;
}

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

// No timeZone option: the browser's own zone.
const partsFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** The local calendar fields of an epoch-ms time, zero-padded. */
export function localParts(ms: number): Parts {
  const parts: Record<string, string> = {};
  for (const p of partsFormat.formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: parts["year"] ?? "",
    month: parts["month"] ?? "",
    day: parts["day"] ?? "",
    hour: parts["hour"] ?? "",
    minute: parts["minute"] ?? "",
    second: parts["second"] ?? "",
  };
}

/** 2026-09-01 14:30 in the browser's zone; "—" for none; the text itself when it is not a time. */
export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = localParts(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The stored value as ISO 8601 UTC (what the title attribute shows), or the text itself. */
export function isoUtc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** 9月1日 (with the year, 2026年9月1日, when asked). */
export function monthDay(ms: number, withYear = false): string {
  const p = localParts(ms);
  return `${withYear ? `${p.year}年` : ""}${Number(p.month)}月${Number(p.day)}日`;
}

/** UTC+8, UTC-5, UTC+5:30: the browser zone's offset at that time (it moves with daylight saving). */
export function utcOffset(ms: number = Date.now()): string {
  const minutes = -new Date(ms).getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, "0")}` : ""}`;
}

/** The browser's zone, as the header names it: 本机时区 Asia/Shanghai（UTC+8）. */
export function zoneLabel(): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `本机时区 ${name ?? ""}（${utcOffset()}）`.replace("  ", " ");
}

export const STATUS: Record<string, string> = {
  running: "进行中",
  completed: "已完成",
  partial: "部分完成",
  interrupted: "已暂停",
  failed: "失败",
};

export const JOB_STATE: Record<string, string> = {
  pending: "等待",
  leased: "执行中",
  done: "完成",
  failed: "失败",
};

export const NOTE_TYPE: Record<string, string> = { image: "图文", video: "视频" };

/** Error kinds (src/core/errors.ts), in words; the code stays in the title. */
export const ERROR_KIND: Record<string, string> = {
  auth: "密钥无效",
  permission: "无权限",
  payment: "余额不足",
  rate_limited: "限流",
  invalid_input: "参数无效",
  not_found: "不存在",
  upstream: "上游错误",
  wrong_item: "返回了别的条目",
  timeout: "超时",
  connection: "连接失败",
  shape: "格式不符",
  budget: "超出预算",
  aborted: "已中止",
  all_failed: "各系列都失败",
};

/** Why a run stopped (src/crawl/statistics.ts). */
export const STOP_REASON: Record<string, string> = {
  budget: "达到预算",
  auth: "密钥无效",
  permission: "无权限",
  payment: "余额不足",
  aborted: "被中止",
  paused: "已暂停",
  error: "出错",
};

/** What a series is asked for (src/core/vocabulary.ts), as the health table names its breakers. */
export const CAPABILITY: Record<string, string> = {
  note: "笔记详情",
  user: "用户资料",
  userNotes: "用户笔记",
  userFavorites: "用户收藏",
  comments: "评论",
  replies: "回复",
  searchNotes: "搜索笔记",
  searchUsers: "搜索用户",
  topic: "话题",
  topicNotes: "话题笔记",
  resolveNote: "解析笔记链接",
  resolveUser: "解析用户链接",
};

/** A circuit breaker's state (src/crawl/engine/run-health.ts), in words. */
export const BREAKER: Record<string, string> = { closed: "正常", open: "熔断", half_open: "试探" };

/** A key's state in the crawling process's pool: "out" once TikHub refused it or its balance ran out. */
export const KEY_STATE: Record<string, string> = { in: "在用", out: "停用" };

/**
 * A run's budget as the run page shows it: either the one stored with the run, with what every process spent
 * against it since it was given (`callsUsed`, `costUsdUsed`), or only the limits this server gave its session.
 */
export interface ShownBudget {
  maxCalls?: number;
  maxCostUsd?: number;
  callsUsed?: number;
  costUsdUsed?: number;
}

/** The calls part: 预算内 12 / 上限 400 (stored), 上限 400 (limits only), 不限 (a budget without a call limit). */
export function budgetCalls(budget: ShownBudget | null): string {
  if (!budget) return "没有预算";
  if (budget.maxCalls === undefined) return "调用不限";
  const limit = `上限 ${count(budget.maxCalls)}`;
  return budget.callsUsed === undefined ? limit : `预算内 ${count(budget.callsUsed)} / ${limit}`;
}

/** The spend part: 预算内 $0.0300 / 上限 $0.5000, 上限 $0.5000, or 花费不限. */
export function budgetCost(budget: ShownBudget | null): string {
  if (!budget) return "没有预算";
  if (budget.maxCostUsd === undefined) return "花费不限";
  const limit = `上限 ${usd(budget.maxCostUsd)}`;
  return budget.costUsdUsed === undefined ? limit : `预算内 ${usd(budget.costUsdUsed)} / ${limit}`;
}
