/** Numbers, money and times as a Chinese reader expects them (Beijing time, 万 for large counts). */

const integer = new Intl.NumberFormat("zh-CN");

export function count(n: number | null | undefined, approx = false): string {
  if (n === null || n === undefined) return "—";
  return `${approx ? "约 " : ""}${integer.format(n)}`;
}

export function usd(n: number): string {
  return `$${n.toFixed(n < 1 ? 4 : 2)}`;
}

const timeFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : timeFormat.format(ms);
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
