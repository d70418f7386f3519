import type { SessionState } from "./api";
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

/** Previous / next page links (links, so they work with the keyboard and open in a new tab). */
export function Pager(props: { path: string; query: URLSearchParams; page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const at = (page: number) => {
    const q = new URLSearchParams(props.query);
    q.set("page", String(page));
    return href(props.path, q);
  };
  return (
    <nav class="pager" aria-label="分页">
      {props.page > 1 ? <a href={at(props.page - 1)}>上一页</a> : <span aria-hidden="true">上一页</span>}
      <span>
        第 {props.page} / {pages} 页，共 {props.total} 条
      </span>
      {props.page < pages ? <a href={at(props.page + 1)}>下一页</a> : <span aria-hidden="true">下一页</span>}
    </nav>
  );
}
