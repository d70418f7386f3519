/**
 * The dashboard's browser session. A browser cannot attach `Authorization: Bearer` to page loads, so the
 * token is typed once (login form) and traded for a cookie: HttpOnly (scripts cannot read it), SameSite=Strict
 * (other sites' pages do not send it), valid until the token changes (its value is an HMAC of the token, so
 * nothing is kept server-side and a new token logs everyone out).
 *
 * Writes (start, pause, resume) also need a CSRF token in a header, the HMAC of the session: only a page of
 * this origin can read it (GET /api/dashboard/session), and a form or image of another page cannot set a
 * header. Together with the Origin check this is the OWASP "signed double submit" pattern.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "xhs_dashboard";
export const CSRF_HEADER = "x-xhs-csrf";

function hmac(secret: string, label: string): string {
  return createHmac("sha256", secret).update(label).digest("base64url");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DashboardSessions {
  private readonly session: string;
  private readonly csrf: string;

  constructor(private readonly secret: string) {
    this.session = hmac(secret, "xhs-kit dashboard session v1");
    this.csrf = hmac(secret, `xhs-kit dashboard csrf v1:${this.session}`);
  }

  /** True when `typed` is the secret (constant time). */
  tokenMatches(typed: string): boolean {
    return same(hmac("compare", typed), hmac("compare", this.secret));
  }

  /** The Set-Cookie value after a good login (`secure` when the page came over https). */
  cookie(secure: boolean): string {
    return `${SESSION_COOKIE}=${this.session}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
  }

  /** True when the request's Cookie header carries a valid session. */
  hasSession(cookieHeader: string | undefined): boolean {
    const value = readCookie(cookieHeader, SESSION_COOKIE);
    return value !== null && same(value, this.session);
  }

  csrfToken(): string {
    return this.csrf;
  }

  csrfMatches(header: string | undefined): boolean {
    return header !== undefined && same(header, this.csrf);
  }
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The titles and details of the dashboard's 401/403 problems, in Chinese as the pages show them (README: the
 * dashboard's problems have Chinese titles); the JSON API's keep their English. `type` and status are the same.
 */
export const DASHBOARD_REFUSALS = {
  noSession: {
    title: "未登录",
    detail: "控制台的操作需要服务器令牌：在控制台页面登录，或发送 `Authorization: Bearer <令牌>`。",
  },
  wrongToken: { title: "令牌不正确", detail: "这不是本服务器的令牌。" },
  loginOrigin: { title: "来源不被允许", detail: "请在控制台自己的页面登录。" },
  host: {
    title: "主机名不被允许",
    detail:
      "未设令牌时本服务器只回答 localhost 的请求（防 DNS 重绑定）：请用 http://127.0.0.1:端口 打开，或启动时加 --allow-host。",
  },
  foreignPage: {
    title: "拒绝跨站请求",
    detail: "其他网站的页面不能调用控制台（每次调用都可能花费运营者的余额）。",
  },
  crossSite: {
    title: "拒绝跨站请求",
    detail: "控制台的操作只能从控制台自己的页面发出（检查了来源和 CSRF 令牌）。",
  },
} as const;
