/** 用户：列表（按粉丝等排序）与个人页（资料、计数曲线、存储的笔记）。 */
import { useMemo } from "preact/hooks";
import { type Line, TimeChart } from "../chart";
import { count, NOTE_TYPE } from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { Note, User, UserObservation } from "../types";
import { EmptyRow, Pager, Problem, Table, Time } from "../ui";

export function UsersPage(props: { query: URLSearchParams }) {
  const query = new URLSearchParams();
  for (const key of ["q", "sort", "page"]) {
    const value = props.query.get(key);
    if (value) query.set(key, value);
  }
  const users = useJson<{ total: number; page: number; pageSize: number; users: User[] }>(
    `/api/dashboard/users?${query}`,
  );
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const q = String(form.get("q") ?? "").trim();
    location.hash = href("users", q ? { q } : {});
  };
  return (
    <>
      <h1>用户</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form works in every browser; the <search> element is newer than some phones' browsers */}
      <form class="filters" role="search" aria-label="搜索用户" onSubmit={submit} key={query.get("q") ?? ""}>
        <label>
          昵称、小红书号或 ID
          <input name="q" type="search" defaultValue={query.get("q") ?? ""} maxLength={100} />
        </label>
        <div class="filter-actions">
          <button type="submit">搜索</button>
        </div>
      </form>
      {users.error && <Problem text={users.error} />}
      <Table
        caption="用户列表"
        testId="users"
        busy={users.loading}
        stack
        columns={[{ key: "user", label: "用户" }, ...USER_COUNTS.map(([key, label]) => ({ key, label, num: true }))]}
      >
        {(users.data?.users ?? []).map((u) => (
          <tr key={u.id}>
            <td class="title-cell">
              <a href={href(`users/${u.id}`)}>{u.nickname ?? u.id}</a>
            </td>
            {USER_COUNTS.map(([key, label]) => (
              <td class="num" data-label={label} key={key}>
                {count(u[key], u.approx.includes(key))}
              </td>
            ))}
          </tr>
        ))}
        {users.data && users.data.users.length === 0 && <EmptyRow columns={5} text="没有符合搜索的用户。" />}
      </Table>
      <Pager path="users" query={query} info={users.data} />
    </>
  );
}

const USER_COUNTS = [
  ["followers", "粉丝"],
  ["following", "关注"],
  ["likesAndCollects", "获赞与收藏"],
  ["noteCount", "笔记"],
] as const;

interface UserAnswer {
  user: User | null;
  observations: UserObservation[];
  notes: Note[];
}

export function UserPage(props: { id: string }) {
  const answer = useJson<UserAnswer>(`/api/dashboard/users/${encodeURIComponent(props.id)}`);
  const observations = answer.data?.observations;
  const chart = useMemo(() => {
    const obs = observations ?? [];
    const lines: Line[] = [
      { label: "粉丝", color: "#e5484d", values: obs.map((o) => o.followers) },
      { label: "获赞与收藏", color: "#f5a524", values: obs.map((o) => o.likesAndCollects) },
      { label: "笔记", color: "#3e63dd", values: obs.map((o) => o.noteCount) },
    ];
    return { times: obs.map((o) => o.fetchedAt), lines };
  }, [observations]);
  if (answer.error) return <Problem text={answer.error} />;
  const data = answer.data;
  if (!data) return <p aria-busy="true">加载中…</p>;
  const u = data.user;
  return (
    <article>
      <p>
        <a href={href("users")}>← 全部用户</a>
      </p>
      <h1>{u?.nickname ?? props.id}</h1>
      {u ? (
        <>
          <p class="meta">
            {u.redId ? `小红书号 ${u.redId} · ` : ""}
            {u.ipLocation ? `${u.ipLocation} · ` : ""}
            <a href={u.url} target="_blank" rel="noreferrer noopener">
              在小红书打开
            </a>
          </p>
          {u.bio && <p class="note-text">{u.bio}</p>}
          <dl class="stats">
            {USER_COUNTS.map(([key, label]) => (
              <div key={key}>
                <dt>{label}</dt>
                <dd>{count(u[key], u.approx.includes(key))}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        <p>没有存储这个用户的资料，只有 TA 的笔记。</p>
      )}
      <TimeChart title="计数曲线" times={chart.times} lines={chart.lines} />
      <section aria-labelledby="user-notes">
        <h2 id="user-notes">存储的笔记（{data.notes.length}）</h2>
        <ul class="note-list">
          {data.notes.map((n) => (
            <li key={n.id}>
              <a href={href(`notes/${n.id}`)}>{n.title || n.id}</a>{" "}
              <span class="sub">
                {NOTE_TYPE[n.type] ?? n.type} · <Time iso={n.publishedAt} /> · 赞{" "}
                {count(n.stats.likes, n.approx.includes("likes"))}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
