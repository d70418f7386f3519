/** 运行：每次采集的状态、任务、调用与花费；从这里开始新的采集。 */
import { useState } from "preact/hooks";
import { postJson } from "../api";
import { count, STATUS, usd } from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { ActiveRun, RunSummary } from "../types";
import { EmptyRow, Problem, type SessionProps, Table, Time } from "../ui";

interface RunsAnswer {
  runs: RunSummary[];
  active: ActiveRun | null;
  canControl: boolean;
}

export function RunsPage(props: SessionProps) {
  const runs = useJson<RunsAnswer>("/api/dashboard/runs");
  return (
    <>
      <h1>采集运行</h1>
      {runs.error && <Problem text={runs.error} />}
      <Table
        caption="采集运行列表"
        testId="runs"
        busy={runs.loading}
        columns={[
          { key: "run", label: "运行" },
          { key: "status", label: "状态" },
          { key: "created", label: "开始时间" },
          { key: "jobs", label: "任务（完成/失败/全部）" },
          { key: "calls", label: "调用", num: true },
          { key: "cost", label: "花费", num: true },
        ]}
      >
        {(runs.data?.runs ?? []).map((run) => {
          const total = run.jobs.pending + run.jobs.leased + run.jobs.done + run.jobs.failed;
          return (
            <tr key={run.id}>
              <td>
                <a href={href(`runs/${run.id}`)}>{run.name ?? run.id}</a>
                <div class="sub nowrap">{run.id}</div>
              </td>
              <td>
                <span class={`status status-${run.status}`}>{STATUS[run.status] ?? run.status}</span>
              </td>
              <td>
                <Time iso={run.createdAt} />
              </td>
              <td class="nowrap">
                {count(run.jobs.done)} / {count(run.jobs.failed)} / {count(total)}
              </td>
              <td class="num">{count(run.calls)}</td>
              <td class="num">{usd(run.costUsd)}</td>
            </tr>
          );
        })}
        {runs.data && runs.data.runs.length === 0 && <EmptyRow columns={6} text="这个数据库还没有运行。" />}
      </Table>
      {runs.data?.canControl && <StartForm {...props} onStarted={runs.reload} />}
      {runs.data && !runs.data.canControl && (
        <p class="note" data-testid="read-only">
          只读：此服务器没有 TikHub 密钥（未设 TIKHUB_API_KEY），可以查看，不能开始、暂停或继续运行。设置密钥后重启 xhs
          serve 即可采集。
        </p>
      )}
    </>
  );
}

function StartForm(props: SessionProps & { onStarted: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!props.session.session) {
    return (
      <section aria-labelledby="start-title" class="card">
        <h2 id="start-title">开始新的采集</h2>
        <p>开始、暂停和继续运行需要服务器令牌（启动 xhs serve 时打印的令牌，或 XHS_SERVER_TOKEN）。</p>
        <a href={href("login")}>登录以启用操作</a>
      </section>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const maxCost = String(form.get("maxCostUsd") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const started = await postJson<ActiveRun>("/api/dashboard/runs", {
        keyword: String(form.get("keyword") ?? ""),
        limit: Number(form.get("limit")),
        comments: Number(form.get("comments")),
        maxCalls: Number(form.get("maxCalls")),
        ...(maxCost ? { maxCostUsd: Number(maxCost) } : {}),
      });
      props.onStarted();
      location.hash = href(`runs/${started.runId}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="start-title" class="card">
      <h2 id="start-title">开始新的采集</h2>
      <form onSubmit={submit} class="form-grid">
        <label>
          关键词
          <input name="keyword" required maxLength={100} />
        </label>
        <label>
          笔记数
          <input name="limit" type="number" min={1} max={200} defaultValue="10" required />
        </label>
        <label>
          每篇评论数
          <input name="comments" type="number" min={0} max={200} defaultValue="20" required />
        </label>
        <label>
          调用上限（预算）
          <input name="maxCalls" type="number" min={1} max={100000} defaultValue="200" required />
        </label>
        <label>
          花费上限（美元，可选）
          <input name="maxCostUsd" type="number" min={0} step="0.01" />
        </label>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? "正在开始…" : "开始采集"}
          </button>
        </div>
      </form>
      {error && <Problem text={error} />}
    </section>
  );
}
