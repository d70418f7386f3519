/** The dashboard's shell: navigation, the session, and the page the hash route names. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { loadSession, type SessionState } from "./api";
import { zoneLabel } from "./format";
import { LoginPage } from "./pages/login";
import { NotePage } from "./pages/note";
import { NotesPage } from "./pages/notes";
import { RunPage } from "./pages/run";
import { RunsPage } from "./pages/runs";
import { UserPage, UsersPage } from "./pages/users";
import { WatchesPage } from "./pages/watches";
import { href, useRoute } from "./router";
import "./style.css";

const NAV: [string, string][] = [
  ["runs", "运行"],
  ["notes", "笔记"],
  ["users", "用户"],
  ["watches", "监控"],
];

function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionState>({ session: false, csrf: null, tokenRequired: false });
  useEffect(() => {
    loadSession()
      .then(setSession)
      .catch(() => undefined);
  }, []);
  const [section = "runs", id] = route.path;
  const props = { session, setSession };
  // A new page moves focus to its heading area, so keyboard and screen-reader users start at the top.
  useEffect(() => {
    document.getElementById("main")?.focus();
  }, [section, id]);
  let page: preact.JSX.Element;
  if (section === "runs" && id) page = <RunPage {...props} id={id} />;
  else if (section === "notes" && id) page = <NotePage id={id} />;
  else if (section === "notes") page = <NotesPage query={route.query} />;
  else if (section === "users" && id) page = <UserPage id={id} />;
  else if (section === "users") page = <UsersPage query={route.query} />;
  else if (section === "watches") page = <WatchesPage />;
  else if (section === "login") page = <LoginPage {...props} />;
  else page = <RunsPage {...props} />;
  return (
    <>
      <header class="top">
        <a class="brand" href={href("runs")}>
          xhs-kit 控制台
        </a>
        <nav aria-label="主导航">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}>
                <a href={href(path)} aria-current={section === path ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="zone" data-testid="zone">
          时间为{zoneLabel()}
        </span>
        <span class="session">{session.session ? "已登录" : <a href={href("login")}>登录</a>}</span>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

// The skip link moves the focus to the page's content without touching the address (an in-page #main would
// replace the route in it: a copied link would lose the page and its filters).
document.querySelector<HTMLAnchorElement>("a.skip")?.addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("main")?.focus();
});

render(<App />, document.getElementById("app")!);
