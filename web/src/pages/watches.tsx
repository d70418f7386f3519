/** 监控与提醒：xhs watch 在数据库里的任务和提醒（只读）；没有时说明尚未配置。 */
import { count } from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { WatchesView } from "../types";
import { Problem, Table, Time } from "../ui";

type WatchAlert = WatchesView["alerts"][number];

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

const SEARCH_SORT: Record<string, string> = {
  general: "综合",
  latest: "最新",
  most_liked: "最多点赞",
  most_commented: "最多评论",
  most_collected: "最多收藏",
};
const TYPE_FILTER: Record<string, string> = { all: "全部类型", image: "图文", video: "视频", live: "直播" };
const TIME_FILTER: Record<string, string> = { all: "不限时间", day: "一天内", week: "一周内", half_year: "半年内" };
const TOPIC_SORT: Record<string, string> = { general: "综合", latest: "最新", hottest: "最热" };

/** A user ref links to the user's page when it is an id (a profile URL or 小红书号 is shown as it is). */
function UserRef(props: { value: string }) {
  const ref = props.value;
  return /^[0-9a-f]{24}$/i.test(ref) ? <a href={href(`users/${ref}`)}>{ref}</a> : <span>{ref}</span>;
}

function NoteRef(props: { id: string; titles: Map<string, string> }) {
  return <a href={href(`notes/${props.id}`)}>{props.titles.get(props.id) ?? props.id}</a>;
}

/**
 * What a task watches, in words: the stored target is `<note id>`, `<user ref>` or a discovery source
 * (`keyword|露营|latest|all|all`, `user|<ref>`, `topic|<page id>|<sort>`, see src/watch/state.ts).
 */
function TaskTarget(props: { kind: string; target: string; titles: Map<string, string> }) {
  const { kind, target, titles } = props;
  if (kind === "refresh_note" || kind === "new_comments") {
    return (
      <>
        笔记 <NoteRef id={target} titles={titles} />
      </>
    );
  }
  if (kind === "refresh_user") {
    return (
      <>
        用户 <UserRef value={target} />
      </>
    );
  }
  const [source = "", ...rest] = target.split("|");
  if (source === "keyword" && rest.length >= 1) {
    const [keyword = "", sort = "", type = "", time = ""] = rest;
    const how = [SEARCH_SORT[sort] ?? sort, TYPE_FILTER[type] ?? type, TIME_FILTER[time] ?? time].filter(Boolean);
    return (
      <>
        关键词「<a href={href("notes", { q: keyword })}>{keyword}</a>」{how.length > 0 && `（${how.join("，")}）`}
      </>
    );
  }
  if (source === "user" && rest.length >= 1) {
    return (
      <>
        用户 <UserRef value={rest.join("|")} /> 的新笔记
      </>
    );
  }
  if (source === "topic" && rest.length >= 1) {
    const [page = "", sort = ""] = rest;
    return (
      <>
        话题 {page}
        {sort && `（${TOPIC_SORT[sort] ?? sort}）`}
      </>
    );
  }
  return <>{target}</>;
}

/** What an alert is about: its note (linked when stored), the note a comment is on, or the user. */
function AlertSubject(props: { alert: WatchAlert; titles: Map<string, string> }) {
  const a = props.alert;
  const noteId = typeof a.detail["noteId"] === "string" ? a.detail["noteId"] : null;
  if (a.kind === "followers_above") {
    const followers = typeof a.detail["followers"] === "number" ? a.detail["followers"] : null;
    return (
      <>
        用户 <UserRef value={a.subject} />
        {followers !== null && `，粉丝 ${count(followers)}`}
      </>
    );
  }
  if (a.kind === "new_comment" && noteId) {
    const text = typeof a.detail["text"] === "string" ? a.detail["text"] : "";
    return (
      <>
        笔记 <NoteRef id={noteId} titles={props.titles} /> 的评论{text && `「${text}」`}
      </>
    );
  }
  if (a.noteStored) {
    return (
      <>
        笔记 <NoteRef id={a.subject} titles={props.titles} />
      </>
    );
  }
  const title = typeof a.detail["title"] === "string" ? a.detail["title"] : null;
  return (
    <>
      笔记 {title ? `「${title}」` : ""}
      {a.subject}（未存储）
    </>
  );
}

/**
 * The title each named note shows: the stored one (the server looks every task's and alert's note up), else the
 * one an alert carried when it was raised; a note with neither shows its id.
 */
function titlesOf(view: WatchesView): Map<string, string> {
  const titles = new Map<string, string>();
  for (const a of view.alerts) {
    const id = typeof a.detail["noteId"] === "string" ? a.detail["noteId"] : a.subject;
    const title = a.detail["title"];
    if (typeof title === "string" && title !== "" && a.kind !== "new_comment") titles.set(id, title);
  }
  for (const [id, title] of Object.entries(view.notes ?? {})) if (title) titles.set(id, title);
  return titles;
}

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
  const titles = titlesOf(data);
  return (
    <>
      <h1>监控与提醒</h1>
      <section aria-labelledby="tasks-title">
        <h2 id="tasks-title">监控任务（{data.tasks.length}）</h2>
        <Table
          caption="监控任务"
          testId="watch-tasks"
          columns={[
            { key: "watch", label: "监控" },
            { key: "kind", label: "类型" },
            { key: "target", label: "对象" },
            { key: "runs", label: "运行次数", num: true },
            { key: "last", label: "上次运行" },
            { key: "next", label: "下次运行" },
          ]}
        >
          {data.tasks.map((t) => (
            <tr key={`${t.watch}|${t.kind}|${t.target}`}>
              <td>{t.watch}</td>
              <td>{KIND[t.kind] ?? t.kind}</td>
              <td>
                <TaskTarget kind={t.kind} target={t.target} titles={titles} />
              </td>
              <td class="num">{count(t.runs)}</td>
              <td>
                <Time iso={t.lastRunAt} none="还没运行" />
              </td>
              <td>
                <Time iso={t.nextDueAt} none="不再运行" />
              </td>
            </tr>
          ))}
        </Table>
      </section>
      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">提醒（{data.alerts.length}）</h2>
        {data.alerts.length === 0 ? (
          <p>还没有提醒。</p>
        ) : (
          <ul data-testid="watch-alerts">
            {data.alerts.map((a) => (
              <li key={a.id}>
                <Time iso={a.raisedAt} /> · {a.watch} · {KIND[a.kind] ?? a.kind}：
                <AlertSubject alert={a} titles={titles} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
