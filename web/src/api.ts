/** Talking to `xhs serve`: JSON reads, and writes with the session's CSRF token (see src/server/session.ts). */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function failure(response: Response): Promise<ApiError> {
  let detail = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { detail?: string; title?: string };
    detail = body.detail ?? body.title ?? detail;
  } catch {
    // not JSON: keep the status
  }
  return new ApiError(response.status, detail);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" }, signal: signal ?? null });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export interface SessionState {
  session: boolean;
  csrf: string | null;
  tokenRequired: boolean;
}

let csrf: string | null = null;

export async function loadSession(): Promise<SessionState> {
  const state = await getJson<SessionState>("/api/dashboard/session");
  csrf = state.csrf;
  return state;
}

export async function logIn(token: string): Promise<SessionState> {
  const response = await fetch("/api/dashboard/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  if (!response.ok) throw await failure(response);
  const state = (await response.json()) as { csrf: string };
  csrf = state.csrf;
  return { session: true, csrf: state.csrf, tokenRequired: false };
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (csrf) headers["x-xhs-csrf"] = csrf;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}
