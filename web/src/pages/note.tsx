/** 一篇笔记：图片、正文、标签、互动曲线（来自每次采集的观测）和评论楼层。 */
import { useMemo } from "preact/hooks";
import { type Line, TimeChart } from "../chart";
import { count, NOTE_TYPE } from "../format";
import { useJson } from "../hooks";
import { href } from "../router";
import type { Comment, CommentThread, Note, NoteMedia, NoteObservation } from "../types";
import { Problem, Time } from "../ui";

interface NoteAnswer {
  note: Note;
  media: NoteMedia[];
  observations: NoteObservation[];
  comments: { threads: CommentThread[]; total: number };
}

export function NotePage(props: { id: string }) {
  const answer = useJson<NoteAnswer>(`/api/dashboard/notes/${encodeURIComponent(props.id)}`);
  const observations = answer.data?.observations;
  const chart = useMemo(() => {
    const obs = observations ?? [];
    const lines: Line[] = [
      { label: "点赞", color: "#e5484d", values: obs.map((o) => o.likes) },
      { label: "收藏", color: "#f5a524", values: obs.map((o) => o.collects) },
      { label: "评论", color: "#3e63dd", values: obs.map((o) => o.comments) },
      { label: "分享", color: "#30a46c", values: obs.map((o) => o.shares) },
    ];
    return { times: obs.map((o) => o.fetchedAt), lines };
  }, [observations]);
  if (answer.error) return <Problem text={answer.error} />;
  const data = answer.data;
  if (!data) return <p aria-busy="true">加载中…</p>;
  const { note } = data;
  return (
    <article>
      <p>
        <a href={href("notes")}>← 全部笔记</a>
      </p>
      <h1>{note.title || "（无标题）"}</h1>
      <p class="meta">
        {NOTE_TYPE[note.type] ?? note.type} ·{" "}
        {note.author ? (
          <a href={href(`users/${note.author.id}`)}>{note.author.nickname ?? note.author.id}</a>
        ) : (
          "作者未知"
        )}{" "}
        · 发布于 <Time iso={note.publishedAt} />
        {note.ipLocation ? ` · ${note.ipLocation}` : ""} ·{" "}
        <a href={note.url} rel="noreferrer noopener" target="_blank">
          在小红书打开
        </a>
      </p>
      <dl class="stats">
        {(["likes", "collects", "comments", "shares"] as const).map((key) => (
          <div key={key}>
            <dt>{{ likes: "点赞", collects: "收藏", comments: "评论", shares: "分享" }[key]}</dt>
            <dd>{count(note.stats[key], note.approx.includes(key))}</dd>
          </div>
        ))}
      </dl>
      {note.images.length > 0 && (
        <section aria-labelledby="images-title">
          <h2 id="images-title">图片（{note.images.length}）</h2>
          {data.media.length === 0 && (
            <p class="sub">
              图片存放在小红书的服务器上；为不向第三方发出请求，这里只显示占位，点击在新标签页打开原图（用 xhs media
              下载后以 --media-dir 启动，即显示本地副本）。
            </p>
          )}
          <ul class="images">
            {note.images.map((image, i) => {
              const stored = data.media.find((m) => m.kind === "image" && m.index === i);
              const ratio = image.width && image.height ? `${image.width} / ${image.height}` : "3 / 4";
              return (
                <li key={image.url}>
                  {stored ? (
                    <a href={stored.url} target="_blank" rel="noreferrer noopener">
                      <img
                        class="image-box"
                        src={stored.url}
                        alt={`图片 ${i + 1}`}
                        width={stored.width ?? undefined}
                        height={stored.height ?? undefined}
                        loading="lazy"
                        style={{ aspectRatio: ratio }}
                      />
                    </a>
                  ) : (
                    <a
                      class="image-box"
                      href={image.url}
                      target="_blank"
                      rel="noreferrer noopener"
                      style={{ aspectRatio: ratio }}
                    >
                      图片 {i + 1}
                      {image.width && image.height ? `（${image.width}×${image.height}）` : ""}
                    </a>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section aria-labelledby="text-title">
        <h2 id="text-title">正文{note.textTruncated ? "（截断）" : ""}</h2>
        <p class="note-text">{note.text ?? "（没有正文）"}</p>
        {note.tags.length > 0 && (
          <ul class="chips" aria-label="标签">
            {note.tags.map((tag) => (
              <li key={tag}>
                <a href={href("notes", { q: tag })}>#{tag}</a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <TimeChart title="互动曲线" times={chart.times} lines={chart.lines} />
      <section aria-labelledby="comments-title">
        <h2 id="comments-title">
          评论（已存 {count(data.comments.total)}，笔记显示{" "}
          {count(note.stats.comments, note.approx.includes("comments"))}）
        </h2>
        {data.comments.threads.length === 0 ? (
          <p>没有存储的评论。</p>
        ) : (
          <ol class="threads" data-testid="threads">
            {data.comments.threads.map((thread) => (
              <li key={thread.comment.id} class="thread">
                <CommentView comment={thread.comment} />
                {thread.replies.length > 0 && (
                  <ol class="replies" aria-label={`${thread.replies.length} 条回复`}>
                    {thread.replies.map((reply) => (
                      <li key={reply.id}>
                        <CommentView comment={reply} />
                      </li>
                    ))}
                  </ol>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}

function CommentView(props: { comment: Comment }) {
  const c = props.comment;
  return (
    <div class="comment">
      <p class="meta">
        {c.author ? <a href={href(`users/${c.author.id}`)}>{c.author.nickname ?? c.author.id}</a> : "匿名"}
        {c.replyToUser ? ` 回复 ${c.replyToUser.nickname ?? c.replyToUser.id}` : ""}
        {c.byNoteAuthor ? <span class="badge">作者</span> : null}
        {c.pinned ? <span class="badge">置顶</span> : null} · <Time iso={c.createdAt} />
        {c.ipLocation ? ` · ${c.ipLocation}` : ""} · 赞 {count(c.likes, c.approx.includes("likes"))}
      </p>
      <p>{c.text ?? "（无文字）"}</p>
    </div>
  );
}
