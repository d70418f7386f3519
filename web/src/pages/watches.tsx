/** 监控与提醒：xhs watch 在数据库里的任务和提醒（只读）；没有时说明尚未配置。 */
import { time } from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { WatchesView } from "../types";
import { Problem } from "../ui";

const KIND: Record<string, string> = {
  discover: "发现新笔记",
  refresh_note: "刷新笔记",
  new_comments: "新评论",
  refresh_user: "刷新用户",
  new_note: "新笔记",
  count_above: "计数超过阈值",
  taking_off: "正在起飞",
  new_comment: "新评论",
  followers_above: "粉丝超过阈值",
};

export function WatchesPage() {
  const view = useJson<WatchesView>("/api/dashboard/watches");
  if (view.error) return <Problem text={view.error} />;
  const data = view.data;
  if (!data) return <p aria-busy="true">加载中…</p>;
  if (!data.configured) {
    return (
      <>
        <h1>监控与提醒</h1>
        <p data-testid="watches-empty">
          这个数据库还没有配置监控（xhs watch）。配置并运行后，监控的对象、运行时间和提醒会显示在这里。
        </p>
      </>
    );
  }
  return (
    <>
      <h1>监控与提醒</h1>
      <section aria-labelledby="tasks-title">
        <h2 id="tasks-title">监控任务</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">监控</th>
                <th scope="col">类型</th>
                <th scope="col">对象</th>
                <th scope="col" class="num">
                  运行次数
                </th>
                <th scope="col">上次运行</th>
                <th scope="col">下次运行</th>
              </tr>
            </thead>
            <tbody>
              {data.tasks.map((t) => (
                <tr key={`${t.watch}|${t.kind}|${t.target}`}>
                  <td>{t.watch}</td>
                  <td>{KIND[t.kind] ?? t.kind}</td>
                  <td>{t.kind === "refresh_note" ? <a href={href(`notes/${t.target}`)}>{t.target}</a> : t.target}</td>
                  <td class="num">{t.runs}</td>
                  <td>{time(t.lastRunAt)}</td>
                  <td>{t.nextDueAt ? time(t.nextDueAt) : "不再运行"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">提醒（{data.alerts.length}）</h2>
        <ul>
          {data.alerts.map((a) => (
            <li key={a.id}>
              {time(a.raisedAt)} · {a.watch} · {KIND[a.kind] ?? a.kind}：
              {a.noteStored ? (
                <a href={href(`notes/${a.subject}`)}>{String(a.detail["title"] ?? a.subject)}</a>
              ) : (
                a.subject
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
