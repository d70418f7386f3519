/** 笔记：服务器端分页的表格，可搜索、筛选（关键词、作者、类型、日期）并按任意计数排序；下载当前筛选。 */
import { count, NOTE_TYPE } from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { NotePage } from "../types";
import { EmptyRow, Pager, Problem, type SortState, Table, Time } from "../ui";

const FILTERS = ["q", "author", "type", "from", "to", "sort", "order"] as const;

const COUNTS = [
  ["likes", "点赞"],
  ["collects", "收藏"],
  ["comments", "评论"],
  ["shares", "分享"],
] as const;

const TYPES = [
  ["", "全部"],
  ["image", "图文"],
  ["video", "视频"],
] as const;

const ORDERS = [
  ["desc", "从高到低"],
  ["asc", "从低到高"],
] as const;

const SORTS: (readonly [string, string])[] = [...COUNTS, ["published", "发布时间"], ["fetched", "采集时间"]];

export function NotesPage(props: { query: URLSearchParams }) {
  const query = new URLSearchParams();
  for (const key of [...FILTERS, "page"]) {
    const value = props.query.get(key);
    if (value) query.set(key, value);
  }
  const notes = useJson<NotePage>(`/api/dashboard/notes?${query}`);
  const filterOnly = new URLSearchParams(query);
  filterOnly.delete("page");

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const key of FILTERS) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next.set(key, value);
    }
    location.hash = href("notes", next);
  };
  const download = (format: string) => {
    const q = new URLSearchParams(filterOnly);
    q.set("format", format);
    return `/api/dashboard/notes/download?${q}`;
  };
  const v = (key: string) => props.query.get(key) ?? "";
  const sortFor = (key: string) => ({
    state: sortState(props.query, key),
    onSort: () => {
      location.hash = href("notes", sortedBy(filterOnly, key));
    },
  });

  return (
    <>
      <h1>笔记</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: role="search" on the form works in every browser; the <search> element is newer than some phones' browsers */}
      <form class="filters" key={filterOnly.toString()} onSubmit={submit} role="search" aria-label="筛选笔记">
        <label>
          关键词
          <input name="q" type="search" defaultValue={v("q")} maxLength={100} />
        </label>
        <label>
          作者（昵称或 ID）
          <input name="author" defaultValue={v("author")} maxLength={100} />
        </label>
        <label>
          类型
          <select name="type">
            <Options choices={TYPES} chosen={v("type")} />
          </select>
        </label>
        <label>
          发布于（起）
          <input name="from" type="date" defaultValue={v("from")} />
        </label>
        <label>
          发布于（止）
          <input name="to" type="date" defaultValue={v("to")} />
        </label>
        <label>
          排序
          <select name="sort">
            <Options choices={SORTS} chosen={v("sort") || "likes"} />
          </select>
        </label>
        <label>
          顺序
          <select name="order">
            <Options choices={ORDERS} chosen={v("order") || "desc"} />
          </select>
        </label>
        <div class="filter-actions">
          <button type="submit">筛选</button>
          <a href={href("notes")}>清除</a>
        </div>
      </form>
      <p class="downloads">
        下载当前筛选：
        <a href={download("xlsx")} download>
          Excel（xlsx）
        </a>
        <a href={download("csv")} download>
          CSV
        </a>
      </p>
      {notes.error && <Problem text={notes.error} />}
      <Table
        caption="笔记列表"
        testId="notes"
        busy={notes.loading}
        stack
        columns={[
          { key: "title", label: "标题" },
          { key: "author", label: "作者" },
          { key: "type", label: "类型" },
          { key: "published", label: "发布时间", sort: sortFor("published") },
          ...COUNTS.map(([key, label]) => ({ key, label, num: true, sort: sortFor(key) })),
        ]}
      >
        {(notes.data?.notes ?? []).map((note) => (
          <tr key={note.id}>
            <td class="title-cell">
              <a href={href(`notes/${note.id}`)}>{note.title || note.text?.slice(0, 30) || note.id}</a>
            </td>
            <td data-label="作者">
              {note.author ? (
                <a href={href(`users/${note.author.id}`)}>{note.author.nickname ?? note.author.id}</a>
              ) : (
                "—"
              )}
            </td>
            <td data-label="类型">{NOTE_TYPE[note.type] ?? note.type}</td>
            <td data-label="发布">
              <Time iso={note.publishedAt} />
            </td>
            {COUNTS.map(([key, label]) => (
              <td class="num" data-label={label} key={key}>
                {count(note.stats[key], note.approx.includes(key))}
              </td>
            ))}
          </tr>
        ))}
        {notes.data && notes.data.notes.length === 0 && <EmptyRow columns={8} text="没有符合筛选的笔记。" />}
      </Table>
      <Pager path="notes" query={query} info={notes.data} shown={notes.data?.notes.length ?? 0} />
    </>
  );
}

/**
 * A select's options with the chosen one marked `selected`: Preact sets no default on a <select> from
 * `defaultValue` (it showed the first option whatever the URL said).
 */
function Options(props: { choices: readonly (readonly [string, string])[]; chosen: string }) {
  return (
    <>
      {props.choices.map(([value, label]) => (
        <option value={value} key={value} selected={value === props.chosen}>
          {label}
        </option>
      ))}
    </>
  );
}

function sortState(query: URLSearchParams, key: string): SortState | undefined {
  if ((query.get("sort") || "likes") !== key) return undefined;
  return query.get("order") === "asc" ? "ascending" : "descending";
}

/** A header press: sort by this column, descending first, then toggling. */
function sortedBy(filter: URLSearchParams, key: string): URLSearchParams {
  const q = new URLSearchParams(filter);
  const same = (q.get("sort") || "likes") === key;
  q.set("sort", key);
  q.set("order", same && (q.get("order") || "desc") === "desc" ? "asc" : "desc");
  return q;
}
