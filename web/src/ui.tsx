/** Pieces every page uses: errors, times, tables with sortable headers, the pager. */
import type { ComponentChildren } from "preact";
import type { SessionState } from "./api";
import { count, isoUtc, time } from "./format";
import { href } from "./router";

export interface SessionProps {
  session: SessionState;
  setSession: (state: SessionState) => void;
}

export function Problem(props: { text: string }) {
  return (
    <p role="alert" class="problem">
      出错了：{props.text}
    </p>
  );
}

/** A time in the browser's zone (the header names it); the stored ISO 8601 UTC value in title and datetime. */
export function Time(props: { iso: string | null | undefined; none?: string }) {
  const { iso } = props;
  if (!iso) return <>{props.none ?? "—"}</>;
  const utc = isoUtc(iso);
  // A narrow column may break between the date and the clock time, never inside either ("2026-08-" / "23").
  const [day, clock] = time(iso).split(" ");
  return (
    <time dateTime={utc} title={utc}>
      <span class="nowrap">{day}</span>
      {clock !== undefined && (
        <>
          {" "}
          <span class="nowrap">{clock}</span>
        </>
      )}
    </time>
  );
}

export type SortState = "ascending" | "descending";

export interface Column {
  key: string;
  label: ComponentChildren;
  /** A right-aligned count column. */
  num?: boolean;
  /** Sortable: what a press on the header does (a button: Enter and Space both work), and its current state. */
  sort?: { state: SortState | undefined; onSort: () => void };
}

/**
 * A table in a box that scrolls sideways on a narrow screen (or, with `stack`, whose rows become cards there: each
 * cell then shows its column's name from `data-label`). Sortable headers carry aria-sort.
 */
export function Table(props: {
  caption: string;
  columns: Column[];
  busy?: boolean;
  testId?: string;
  stack?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table aria-busy={props.busy ?? false} data-testid={props.testId} class={props.stack ? "stack" : undefined}>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c.key} class={c.num ? "num" : undefined} aria-sort={c.sort?.state}>
                {c.sort ? (
                  <button type="button" class="sort" onClick={c.sort.onSort}>
                    {c.label}
                    <span aria-hidden="true" class="sort-mark">
                      {c.sort.state === "ascending" ? "▲" : c.sort.state === "descending" ? "▼" : "↕"}
                    </span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A table's "nothing here" row, across all its columns. */
export function EmptyRow(props: { columns: number; text: string }) {
  return (
    <tr>
      <td colSpan={props.columns} class="empty-row">
        {props.text}
      </td>
    </tr>
  );
}

export interface PageInfo {
  page: number;
  pageSize: number;
  total: number;
  /** False: more than `total` match (a text search counts only so far), so the last page is not known. */
  totalExact?: boolean;
}

/** Previous / next page links (links: Tab reaches them, Enter follows them, and they open in a new tab). */
export function Pager(props: { path: string; query: URLSearchParams; info: PageInfo | null; shown?: number }) {
  const { info } = props;
  // Nothing before the first answer: a placeholder here would be pushed down by the rows arriving above it.
  if (!info) return null;
  const exact = info.totalExact !== false;
  const pages = Math.max(1, Math.ceil(info.total / info.pageSize));
  // Past a bounded count, a full page may have a next one.
  const hasNext = exact ? info.page < pages : info.page < pages || (props.shown ?? 0) >= info.pageSize;
  const at = (page: number) => {
    const q = new URLSearchParams(props.query);
    q.set("page", String(page));
    return href(props.path, q);
  };
  return (
    <nav class="pager" aria-label="分页">
      {info.page > 1 ? (
        <a href={at(info.page - 1)} rel="prev">
          上一页
        </a>
      ) : (
        <span aria-hidden="true">上一页</span>
      )}
      <span>
        {exact
          ? `第 ${info.page} / ${pages} 页，共 ${count(info.total)} 条`
          : `第 ${info.page} 页，超过 ${count(info.total)} 条`}
      </span>
      {hasNext ? (
        <a href={at(info.page + 1)} rel="next">
          下一页
        </a>
      ) : (
        <span aria-hidden="true">下一页</span>
      )}
    </nav>
  );
}
