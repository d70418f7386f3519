/** 登录：输入服务器令牌，换取本浏览器的会话（之后才能开始、暂停、继续运行）。 */
import { useState } from "preact/hooks";
import { logIn } from "../api";
import { href } from "../router";
import { Problem, type SessionProps } from "../ui";

export function LoginPage(props: SessionProps) {
  const [error, setError] = useState<string | null>(null);
  if (props.session.session) {
    return (
      <>
        <h1>已登录</h1>
        <p>
          可以开始、暂停和继续运行了。<a href={href("runs")}>回到运行</a>
        </p>
      </>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget as HTMLFormElement).get("token") ?? "");
    try {
      props.setSession(await logIn(token));
      location.hash = href("runs");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <h1>登录</h1>
      <p>输入启动 xhs serve 时打印的令牌（或 XHS_SERVER_TOKEN）。令牌只用来换取本浏览器的会话，不会被保存到页面里。</p>
      <form onSubmit={submit} class="form-grid">
        <label>
          令牌
          <input name="token" type="password" autocomplete="current-password" required />
        </label>
        <div>
          <button type="submit">登录</button>
        </div>
      </form>
      {error && <Problem text={error} />}
    </>
  );
}
