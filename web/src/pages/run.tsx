/**
 * 一次运行：实时进度（服务器推送事件）、任务状态、调用与预算（随运行存储，所有进程合计）、各系列健康与熔断器
 * （正在采集它的进程写入的）、密钥（按指纹）、失败的任务；暂停（任何进程的运行）与继续。
 */
import { useEffect, useState } from "preact/hooks";
import { postJson } from "../api";
import {
  BREAKER,
  budgetCalls,
  budgetCost,
  CAPABILITY,
  count,
  ERROR_KIND,
  JOB_STATE,
  KEY_STATE,
  STATUS,
  STOP_REASON,
  usd,
} from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { ActiveRun, BudgetReading, RunDetail, RunSummary, SeriesBreakerReading } from "../types";
import { EmptyRow, Problem, type SessionProps, Table, Time } from "../ui";

/** The budget stored with the run (what every process spent against it), else the limits this server gave it. */
type AnyBudget = BudgetReading | { maxCalls?: number; maxCostUsd?: number };

interface RunAnswer extends RunDetail {
  active: ActiveRun | null;
  budget: AnyBudget | null;
  canControl: boolean;
}

interface Progress extends Omit<RunSummary, "budget"> {
  active: boolean;
  budget: AnyBudget | null;
}

const isStored = (budget: AnyBudget | null): budget is BudgetReading => budget !== null && "setAt" in budget;

/** A series' breakers as the freshest crawling process wrote them: state, since when, by which process. */
function BreakerCells(props: { breaker: SeriesBreakerReading | null | undefined }) {
  const b = props.breaker;
  if (!b) {
    return (
      <>
        <td>—</td>
        <td>—</td>
        <td>没有进程写入</td>
      </>
    );
  }
  const notClosed = Object.entries(b.capabilities)
    .filter(([, state]) => state !== "closed")
    .map(([cap, state]) => `${CAPABILITY[cap] ?? cap}：${BREAKER[state] ?? state}`);
  const since = b.state === "closed" ? b.closedAt : b.openedAt;
  return (
    <>
      <td
        class="breaker"
        data-state={b.state}
        title={Object.entries(b.capabilities)
          .map(([cap, st]) => `${cap}: ${st}`)
          .join(", ")}
      >
        {BREAKER[b.state] ?? b.state}
        {notClosed.length > 0 && `（${notClosed.join("，")}）`}
      </td>
      <td>
        {since ? (
          <>
            {b.state === "closed" ? "恢复于 " : "自 "}
            <Time iso={since} />
          </>
        ) : (
          "—"
        )}
      </td>
      <td>
        <Writer writer={b.writer} writtenAt={b.writtenAt} stale={b.stale} />
      </td>
    </>
  );
}

/** A crawling process (host:pid:id), marked 过时 when it has been silent too long to trust what it wrote. */
function Writer(props: { writer: string; writtenAt: string; stale: boolean }) {
  return (
    <>
      <code>{props.writer}</code>
      {props.stale && (
        <span class="badge stale" title={`最后写入 ${props.writtenAt}，之后超过 60 秒没有消息`}>
          过时
        </span>
      )}
    </>
  );
}

export function RunPage(props: SessionProps & { id: string }) {
  const detail = useJson<RunAnswer>(`/api/dashboard/runs/${encodeURIComponent(props.id)}`);
  const [live, setLive] = useState<Progress | null>(null);
  const [events, setEvents] = useState(0);
  /** Set when the stream ended: the detail read after it is the truth, not the last event. */
  const [settled, setSettled] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const { reload } = detail;
  const name = detail.data?.report.name ?? null;
  // The tab says which run it is (its name, e.g. 控制台：露营), as `xhs runs list` does.
  useEffect(() => {
    const before = document.title;
    document.title = `运行 ${name ?? props.id} · xhs-kit 控制台`;
    return () => {
      document.title = before;
    };
  }, [name, props.id]);

  useEffect(() => {
    const source = new EventSource(`/api/dashboard/runs/${encodeURIComponent(props.id)}/events`);
    let opened = 0;
    let lastStatus: string | null = null;
    // A reconnect (after a dropped stream) may have missed changes: read the detail again.
    source.addEventListener("open", () => {
      opened += 1;
      if (opened > 1) reload();
    });
    source.addEventListener("progress", (event) => {
      const progress = JSON.parse((event as MessageEvent<string>).data) as Progress;
      setLive(progress);
      setEvents((n) => n + 1);
      // Paused, finished, failed (or running again): the report, health and stop reason changed too.
      if (lastStatus !== null && progress.status !== lastStatus) reload();
      lastStatus = progress.status;
    });
    // The run settled (server side: stopped, nothing leased, numbers still): read its detail once, show that.
    source.addEventListener("end", () => {
      source.close();
      setSettled(true);
      reload();
    });
    source.addEventListener("gone", () => source.close());
    return () => source.close();
  }, [props.id, reload]);

  const data = detail.data;
  // After the stream ended, the detail read since (loading done) is newer than the last event.
  const summary = (settled && !detail.loading ? data?.summary : live) ?? data?.summary ?? null;
  const budget = (settled && !detail.loading ? data?.budget : live?.budget) ?? data?.budget ?? null;
  const total = summary ? summary.jobs.pending + summary.jobs.leased + summary.jobs.done + summary.jobs.failed : 0;
  const finished = summary ? summary.jobs.done + summary.jobs.failed : 0;
  const running = summary?.status === "running";
  const mine = live ? live.active : (data?.active ?? null) !== null;
  const keys = Object.entries(data?.runHealth?.keys ?? {});

  const act = async (action: "pause" | "resume") => {
    setActionError(null);
    try {
      const body = action === "resume" ? { maxCalls: budget?.maxCalls ?? 200 } : {};
      await postJson(`/api/dashboard/runs/${encodeURIComponent(props.id)}/${action}`, body);
      location.reload();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <>
      <p>
        <a href={href("runs")}>← 全部运行</a>
      </p>
      {/* The id is known before the answer, the name after: the id has its own line, so the title does not rewrap. */}
      <h1>运行 {data?.report.name ?? ""}</h1>
      <p class="sub run-id">{props.id}</p>
      {detail.error && <Problem text={detail.error} />}
      <section class="card" aria-labelledby="progress-title">
        <h2 id="progress-title">进度</h2>
        <dl class="stats" data-testid="run-numbers">
          <div>
            <dt>状态</dt>
            <dd data-testid="run-status">{summary ? (STATUS[summary.status] ?? summary.status) : "…"}</dd>
          </div>
          <div>
            <dt>完成的任务</dt>
            <dd data-testid="jobs-finished">
              {count(finished)} / {count(total)}
            </dd>
          </div>
          <div>
            <dt>调用</dt>
            <dd data-testid="run-calls" class="two-line">
              {count(summary?.calls ?? null)}
              <span class="sub" data-testid="budget-calls">
                {summary ? budgetCalls(budget) : "\u00a0"}
              </span>
            </dd>
          </div>
          <div>
            <dt>花费</dt>
            <dd data-testid="run-cost" class="two-line">
              {summary ? usd(summary.costUsd) : "…"}
              <span class="sub" data-testid="budget-cost">
                {summary ? budgetCost(budget) : "\u00a0"}
              </span>
            </dd>
          </div>
        </dl>
        <progress max={Math.max(1, total)} value={finished} aria-label="任务进度" />
        <p class="sub" aria-live="polite">
          {running ? `实时更新中（已收到 ${events} 次更新）` : "运行未在进行。"}
        </p>
        <p class="sub" data-testid="budget-note">
          {isStored(budget) ? (
            <>
              预算设于 <Time iso={budget.setAt} />
              ，计入之后所有进程的调用与花费。
            </>
          ) : budget ? (
            "预算是本服务器给这次会话的上限。"
          ) : summary ? (
            "此运行没有存储预算。"
          ) : (
            "\u00a0"
          )}
        </p>
        {data?.canControl && (
          <div class="actions">
            {running && (
              <button type="button" onClick={() => act("pause")} disabled={!props.session.session}>
                暂停
              </button>
            )}
            {running && !mine && <p class="sub">此运行由另一个进程执行：暂停记在数据库里，它会在一秒内停下。</p>}
            {!running && summary && summary.status !== "completed" && (
              <button type="button" onClick={() => act("resume")} disabled={!props.session.session}>
                继续（调用上限 {budget?.maxCalls ?? 200}）
              </button>
            )}
            {!props.session.session && <a href={href("login")}>登录以启用操作</a>}
          </div>
        )}
        {data && !data.canControl && <p class="sub">只读：此服务器没有 TikHub 密钥，不能暂停或继续运行。</p>}
        {actionError && <Problem text={actionError} />}
      </section>

      {summary && (
        <section class="card" aria-labelledby="jobs-title">
          <h2 id="jobs-title">任务状态</h2>
          <ul class="chips">
            {(["pending", "leased", "done", "failed"] as const).map((state) => (
              <li key={state}>
                {JOB_STATE[state]}：<strong>{count(summary.jobs[state])}</strong>
              </li>
            ))}
          </ul>
        </section>
      )}

      {data && (
        <>
          <section class="card" aria-labelledby="items-title">
            <h2 id="items-title">采集到的数据</h2>
            <ul class="chips">
              {Object.entries(data.report.items).map(([kind, c]) => (
                <li key={kind}>
                  {{ notes: "笔记", users: "用户", comments: "评论", topics: "话题" }[kind] ?? kind}：新增{" "}
                  {count(c.new)}，更新 {count(c.updated)}
                </li>
              ))}
            </ul>
            <p>
              计费调用 {count(data.report.calls.billableCalls)}，重试 {count(data.report.calls.retries)}，切换系列{" "}
              {count(data.report.calls.failovers)}。
            </p>
          </section>
          <section class="card" aria-labelledby="health-title">
            <h2 id="health-title">各系列健康</h2>
            <Table
              caption="各系列健康"
              columns={[
                { key: "series", label: "系列" },
                { key: "calls", label: "调用", num: true },
                { key: "ok", label: "成功", num: true },
                { key: "errors", label: "错误" },
                { key: "latency", label: "延迟 p50 / p95", num: true },
                { key: "breaker", label: "熔断器" },
                { key: "since", label: "状态起于" },
                { key: "writer", label: "写入进程" },
              ]}
            >
              {data.health.map((h) => (
                <tr key={h.series}>
                  <td>{h.series}</td>
                  <td class="num">{count(h.calls)}</td>
                  <td class="num">{count(h.ok)}</td>
                  {/* Each kind with its count stays on one line; kinds wrap between them (not a character a line). */}
                  <td class="errors" title={Object.keys(h.errors).join(", ")}>
                    {Object.entries(h.errors).length === 0
                      ? "无"
                      : Object.entries(h.errors).map(([kind, n], i) => (
                          <span key={kind} class="nowrap">
                            {i > 0 && "，"}
                            {ERROR_KIND[kind] ?? kind} ×{n}
                          </span>
                        ))}
                  </td>
                  <td class="num">
                    {count(h.latencyMsP50)} / {count(h.latencyMsP95)} 毫秒
                  </td>
                  <BreakerCells breaker={h.breaker} />
                </tr>
              ))}
              {data.health.length === 0 && <EmptyRow columns={8} text="还没有调用。" />}
            </Table>
          </section>
          <section class="card" aria-labelledby="keys-title">
            <h2 id="keys-title">密钥（按指纹）</h2>
            <Table
              caption="密钥（按指纹）"
              testId="run-keys"
              columns={[
                { key: "fingerprint", label: "指纹" },
                { key: "state", label: "状态" },
                { key: "calls", label: "调用", num: true },
                { key: "failed", label: "失败", num: true },
                { key: "writer", label: "写入进程" },
              ]}
            >
              {keys.map(([fingerprint, key]) => (
                <tr key={fingerprint}>
                  <td>
                    <code>{fingerprint}</code>
                  </td>
                  <td data-state={key.state} title={key.reason ?? undefined}>
                    {KEY_STATE[key.state] ?? key.state}
                    {key.state === "out" && (
                      <>
                        （{key.reason ? (ERROR_KIND[key.reason] ?? key.reason) : "原因未知"}
                        {key.outSince && (
                          <>
                            ，自 <Time iso={key.outSince} />
                          </>
                        )}
                        ）
                      </>
                    )}
                  </td>
                  <td class="num">{count(key.calls)}</td>
                  <td class="num">{count(key.failed)}</td>
                  <td>
                    <Writer writer={key.writer} writtenAt={key.writtenAt} stale={key.stale} />
                  </td>
                </tr>
              ))}
              {keys.length === 0 && <EmptyRow columns={5} text="还没有进程写入密钥状态。" />}
            </Table>
          </section>
          <section class="card" aria-labelledby="failed-title">
            <h2 id="failed-title">失败的任务（{data.report.failedJobs.length}）</h2>
            {data.report.failedJobs.length === 0 ? (
              <p>没有失败的任务。</p>
            ) : (
              <ul>
                {data.report.failedJobs.map((job) => (
                  <li key={job.key}>
                    <code>{job.key}</code>：{job.errorKind ? (ERROR_KIND[job.errorKind] ?? job.errorKind) : "未知"} —{" "}
                    {job.message ?? ""}
                  </li>
                ))}
              </ul>
            )}
            {(data.report.stopReason || data.report.stopMessage) && (
              <p data-testid="stop-reason">
                停止原因：
                {data.report.stopReason ? (STOP_REASON[data.report.stopReason] ?? data.report.stopReason) : "—"}
                {/* The engine's own words, as stored (English). */}
                {data.report.stopMessage && (
                  <span class="sub" lang="en">
                    {" "}
                    （{data.report.stopMessage}）
                  </span>
                )}
              </p>
            )}
            <p class="sub">
              开始于 <Time iso={data.report.createdAt} />
              ，结束于 <Time iso={data.report.finishedAt} />
              ，会话 {data.report.sessions} 次。
            </p>
          </section>
        </>
      )}
    </>
  );
}
