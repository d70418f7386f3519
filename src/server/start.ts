/**
 * Listening: the app over @hono/node-server on 127.0.0.1 by default. Any other address is refused
 * unless a server token is set (see security.ts).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createServerRuntime, type RuntimeOptions, type ServerRuntime } from "../service/runtime.js";
import { type AppOptions, createApp } from "./app.js";
import { assertSafeBind } from "./security.js";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8787;

export interface StartOptions extends RuntimeOptions, Omit<AppOptions, "runtime"> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787 (IPv6 hosts in brackets). */
  url: string;
  host: string;
  port: number;
  runtime: ServerRuntime;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  assertSafeBind(host, options.token);
  const runtime = createServerRuntime(options);
  const app = createApp({ ...options, runtime });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? DEFAULT_PORT }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    host: address.address,
    port: address.port,
    runtime,
    app,
    close: () =>
      new Promise<void>((resolve, reject) => {
        runtime.close();
        // Idle keep-alive sockets would hold close() open.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
