/**
 * The latency and cost targets of issue #12, judged on the sums over the seeds (results-seeds.md): a slow or
 * hung App V2 must cost little latency, and the hedging that buys it must cost (almost) nothing when healthy.
 */
import type { Target } from "./report.js";
import type { SeedSum } from "./seeds.js";
import { REQUEST_KINDS, type RequestKind } from "./workload.js";

/**
 * With App V2 down, a video note has only Web V3 (App V1 answers it without its video URL), whose note detail
 * TikHub limits to 1 request/s: those kinds queue there whatever the router does, so the p99 target leaves them out.
 */
export const BOUND_BY_WEB_NOTE_DETAIL: readonly RequestKind[] = ["note-video-known", "note-video-unknown"];

/** Share of calls that may be hedges billed twice, in the healthy profile (issue #12's cost guard). */
export const HEALTHY_DOUBLE_BILLED_HEDGE_SHARE_MAX = 0.02;

/**
 * "Healthy billable calls no worse than today", judged on the same sums as the rest (issue #12): today is the
 * code with hedging off, measured on seeds 1–20 (21,580 billable calls for 20,000 requests; its one-seed figure
 * was the 1.078 the issue quotes). On another seed list there is no baseline, so the target is not judged.
 */
export const HEALTHY_BILLABLE_WITHOUT_HEDGING = {
  seeds: Array.from({ length: 20 }, (_, i) => i + 1),
  billable: 21_580,
};

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)} ×` : "–");
const percent = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(2)} %` : "–");

export function seedTargets(sums: readonly SeedSum[], strategy = "xhs-kit", seeds: readonly number[] = []): Target[] {
  const mine = sums.filter((s) => s.strategy === strategy);
  const find = (profile: string) => mine.find((s) => s.profile === profile);
  const healthy = find("healthy");
  const brownout = find("brownout");
  const down = find("primary-down");
  const targets: Target[] = [];
  const wrong = mine.reduce((n, s) => n + s.wrong, 0);
  targets.push({
    name: "0 wrong answers in every profile, on every seed",
    met: mine.length > 0 ? wrong === 0 : null,
    figure: `${wrong} wrong of ${mine.reduce((n, s) => n + s.requests, 0)}`,
  });
  if (healthy && brownout) {
    targets.push({
      name: "brownout p50 ≤ 1.5 × healthy p50 (median of the seeds' p50s)",
      met: brownout.medianP50Ms <= 1.5 * healthy.medianP50Ms,
      figure: `${brownout.medianP50Ms} ms vs ${healthy.medianP50Ms} ms (${ratio(brownout.medianP50Ms, healthy.medianP50Ms)})`,
    });
  }
  if (healthy && down && healthy.worstP99MsByKind && down.worstP99MsByKind) {
    const judged = REQUEST_KINDS.filter((k) => !BOUND_BY_WEB_NOTE_DETAIL.includes(k));
    const line = (k: RequestKind) =>
      `${k} ${down.worstP99MsByKind![k]} / ${healthy.worstP99MsByKind![k]} ms (${ratio(down.worstP99MsByKind![k], healthy.worstP99MsByKind![k])})`;
    targets.push({
      name: "primary-down p99 ≤ 2 × healthy p99, per request kind not bound by Web V3 note detail's 1 req/s (worst seed)",
      met: judged.every((k) => down.worstP99MsByKind![k] <= 2 * healthy.worstP99MsByKind![k]),
      figure: judged.map(line).join("; "),
      note: `left out: ${BOUND_BY_WEB_NOTE_DETAIL.map(line).join("; ")}`,
    });
  }
  if (healthy && healthy.hedges !== undefined && healthy.hedgesBilledTwice !== undefined) {
    const twice = healthy.hedgesBilledTwice;
    targets.push({
      name: `healthy hedges billed twice ≤ ${100 * HEALTHY_DOUBLE_BILLED_HEDGE_SHARE_MAX} % of calls`,
      met: healthy.calls > 0 ? twice <= HEALTHY_DOUBLE_BILLED_HEDGE_SHARE_MAX * healthy.calls : null,
      figure: `${twice} billed twice (${percent(twice, healthy.calls)}) of ${healthy.calls} calls; hedges fired ${healthy.hedges} (${percent(healthy.hedges, healthy.calls)})`,
      note: `every profile, billed twice / fired: ${mine.map((s) => `${s.profile} ${s.hedgesBilledTwice ?? "–"} / ${s.hedges ?? "–"}`).join(", ")}`,
    });
  }
  if (healthy) {
    const base = HEALTHY_BILLABLE_WITHOUT_HEDGING;
    const sameSeeds = seeds.length === base.seeds.length && base.seeds.every((seed, i) => seeds[i] === seed);
    targets.push({
      name: `healthy billable calls ≤ the code without hedging on the same seeds (${base.billable} on seeds 1–20)`,
      met: sameSeeds ? healthy.billableCalls <= base.billable : null,
      figure: `${healthy.billableCalls} billable, ${healthy.billablePerCorrect} per correct answer (${healthy.correct} correct)`,
      ...(sameSeeds ? {} : { note: "another seed list: no baseline measured for it" }),
    });
  }
  return targets;
}

export function renderSeedTargets(targets: readonly Target[]): string[] {
  if (targets.length === 0) return [];
  const out = ["### Targets (issue #12)", "", "| target | met | figure |", "| --- | --- | --- |"];
  for (const t of targets) {
    const met = t.met === null ? "–" : t.met ? "yes" : "**no**";
    const figure = t.note ? `${t.figure} (${t.note})` : t.figure;
    out.push(`| ${t.name.replace(/\|/g, "\\|")} | ${met} | ${figure.replace(/\|/g, "\\|")} |`);
  }
  out.push("");
  return out;
}
