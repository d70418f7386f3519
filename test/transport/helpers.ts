/** Test doubles for the transport: scripted fetch answers and TikHub-shaped envelopes. */
import type { EndpointSpec } from "../../src/catalog/types.js";

export const KEY = "tk_live_SECRET_0123456789abcdef";

export function envelope(data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: 200,
    request_id: "req-body",
    message: "Request successful. This request will incur a charge.",
    router: "/api/v1/xiaohongshu/app_v2/get_image_note_detail",
    params: {},
    data,
    ...extra,
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": `req-${status}`, ...headers },
  });
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/html", ...headers } });
}

export const ok = (data: unknown = { code: 0, success: true, data: [{ id: "n1" }] }) => json(200, envelope(data));

type Step = Response | Error | ((url: string, init: RequestInit | undefined) => Promise<Response>);

export interface ScriptedFetch {
  fetch: typeof globalThis.fetch;
  calls: Array<{ url: string; headers: Record<string, string>; signal: AbortSignal | undefined }>;
}

/** Answers each call with the next step (the last one repeats). A function step may never resolve. */
export function scriptedFetch(...steps: Step[]): ScriptedFetch {
  const calls: ScriptedFetch["calls"] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({
      url,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      signal: init?.signal ?? undefined,
    });
    let step = steps[Math.min(calls.length - 1, steps.length - 1)] as Step;
    if (typeof step === "function") step = await step(url, init);
    if (step instanceof Error) throw step;
    return step.clone();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** A fetch that never answers (until its signal aborts, which it ignores on purpose). */
export const hang = (): Promise<Response> => new Promise(() => {});

export function spec(overrides: Partial<EndpointSpec> = {}): EndpointSpec {
  return {
    name: "app_v2/get_image_note_detail",
    series: "app_v2",
    path: "/api/v1/xiaohongshu/app_v2/get_image_note_detail",
    capability: "note",
    params: [
      { name: "note_id", type: "string", required: false, description: "" },
      { name: "share_text", type: "string", required: false, description: "" },
    ],
    oneOf: [["note_id", "share_text"]],
    pagination: "none",
    priceUsd: 0.01,
    ...overrides,
  };
}
