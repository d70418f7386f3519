/**
 * The dashboard's routes: the built pages at `/`, JSON under `/api/dashboard/`, live progress as server-sent
 * events. Mounted by the server (src/server/app.ts) behind its Host, Origin, token and CSRF checks; this file
 * only answers. Reads come from the store; start/pause/resume go to the in-process RunControl.
 */
import { existsSync } from "node:fs";
import { type Context, Hono } from "hono";
import type { XhsClient } from "../client/types.js";
import { InvalidInputError } from "../core/errors.js";
import type { JobQueue, Store } from "../store/port.js";
import { type Asset, defaultAssetsDir, loadAssets, PAGE_HEADERS } from "./assets.js";
import { RunControl } from "./control.js";
import { DOWNLOAD_FORMATS, type DownloadFormat, notesDownload } from "./downloads.js";
import { ConflictError, dashboardProblem, MissingError, problemResponseOf, unknownRouteProblem } from "./errors.js";
import { DEFAULT_POLL_MS, runEvents } from "./live.js";
import { mediaResponse, noteMedia } from "./media.js";
import { noteComments, notesOfUser, parseNoteQuery, queryNotes, queryUsers, type ReadableStore } from "./records.js";
import { listRunSummaries, runDetail } from "./runs.js";
import { readWatches } from "./watches.js";

export interface DashboardOptions {
  store: Store & JobQueue & ReadableStore;
  /** The server's client: with it the dashboard can start and resume runs; without, it only reads. */
  client?: XhsClient;
  /** Why it only reads, in the words start, pause and resume answer with (default: it has no client). */
  readOnlyReason?: string;
  /** The built pages (default: dist/web of this package). */
  assetsDir?: string;
  /** The folder `xhs media` downloaded into: the note page then shows the stored copies of its images. */
  mediaDir?: string;
  /** How often live progress reads the store (ms, default 500). */
  pollMs?: number;
  /** Applied to every text cell of a download (the server's redactor: keys never leave in a file). */
  redact?: (text: string) => string;
  /** Where the dashboard tells about errors it cannot answer with (a download failing mid-way). */
  onError?: (error: unknown) => void;
  now?: () => Date;
}

export interface Dashboard {
  app: Hono;
  control: RunControl | null;
  close(): Promise<void>;
}

const ID = /^[0-9A-Za-z_-]{1,64}$/;

function idParam(c: Context, name: string): string {
  const value = c.req.param(name) ?? "";
  if (!ID.test(value)) throw new InvalidInputError(`bad ${name}: expected a stored id`);
  return value;
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const { store } = options;
  const control = options.client ? new RunControl({ client: options.client, store, queue: store }) : null;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const redact = options.redact ?? ((text: string) => text);
  const now = options.now ?? (() => new Date());
  const dir = options.assetsDir ?? defaultAssetsDir();
  const assets: Map<string, Asset> = existsSync(dir) ? loadAssets(dir) : new Map();
  const app = new Hono();

  const onError = (error: Error, c: Context): Response => {
    const { body, known } = dashboardProblem(error, c.req.path);
    if (!known) options.onError?.(error);
    return problemResponseOf(body, redact);
  };
  app.onError(onError);

  const page = (c: Context, asset: Asset | undefined, cache: string): Response => {
    if (!asset) {
      return c.text("The dashboard is not built: run `npm run build` (it writes dist/web).", 503, PAGE_HEADERS);
    }
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      ...PAGE_HEADERS,
      "content-type": asset.type,
      "cache-control": cache,
    });
  };
  app.get("/", (c) => page(c, assets.get("/index.html"), "no-cache"));
  app.get("/assets/*", (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) return problemResponseOf(unknownRouteProblem(c.req.method, c.req.path, "文件"), redact);
    // Vite names files by their content hash: they never change under one name.
    return page(c, asset, "public, max-age=31536000, immutable");
  });

  const api = new Hono();
  api.onError(onError);
  api.get("/overview", async (c) => {
    const [notes, users, comments, runs] = await Promise.all([
      store.countRecords("notes"),
      store.countRecords("users"),
      store.countRecords("comments"),
      store.listRuns({ limit: 1 }),
    ]);
    return c.json({ notes, users, comments, latestRun: runs[0]?.id ?? null, canControl: control !== null });
  });
  api.get("/runs", async (c) =>
    c.json({ runs: await listRunSummaries(store, store), active: control?.active() ?? null, canControl: !!control }),
  );
  api.get("/runs/:id", async (c) => {
    const id = idParam(c, "id");
    const run = await store.getRun(id);
    if (!run) throw new MissingError(`no run "${id}" in this database`);
    const detail = await runDetail(store, store, run);
    const active = control?.active(id) ?? null;
    return c.json({
      ...detail,
      active,
      // The budget stored with the run (any process's), else the one this server last gave it.
      budget: detail.summary.budget ?? control?.budgetOf(id) ?? null,
      canControl: control !== null,
      breakers: options.client?.stats().bySeries ?? null,
    });
  });
  api.get("/runs/:id/events", async (c) => runEvents(c, { store, queue: store, control, pollMs }, idParam(c, "id")));

  const needControl = (): RunControl => {
    if (!control)
      throw new ConflictError(
        options.readOnlyReason ?? "this server has no client to crawl with: read-only, start, pause and resume are off",
      );
    return control;
  };
  const body = async (c: Context): Promise<unknown> => {
    if (!(c.req.header("content-type") ?? "").includes("application/json"))
      throw new InvalidInputError("send the request body as application/json");
    return c.req.json().catch(() => {
      throw new InvalidInputError("the request body is not JSON");
    });
  };
  api.post("/runs", async (c) => c.json(await needControl().start(await body(c)), 202));
  api.post("/runs/:id/resume", async (c) => c.json(await needControl().resume(idParam(c, "id"), await body(c)), 202));
  api.post("/runs/:id/pause", async (c) => {
    const id = idParam(c, "id");
    await needControl().pause(id);
    return c.json({ runId: id, paused: true });
  });

  api.get("/notes", async (c) => {
    const query = parseNoteQuery(new URL(c.req.url).searchParams);
    return c.json(await queryNotes(store, query));
  });
  api.get("/notes/download", (c) => {
    const params = new URL(c.req.url).searchParams;
    const format = (params.get("format") ?? "xlsx") as DownloadFormat;
    if (!DOWNLOAD_FORMATS.includes(format))
      throw new InvalidInputError(`format: use one of ${DOWNLOAD_FORMATS.join(", ")}`);
    params.delete("format");
    const query = parseNoteQuery(params);
    return notesDownload(store, query, format, {
      redact,
      now: now(),
      onError: (error) => options.onError?.(error),
    });
  });
  api.get("/notes/:id", async (c) => {
    const id = idParam(c, "id");
    const note = await store.getNote(id);
    if (!note) throw new MissingError(`no note "${id}" in this database`);
    const [observations, comments, media] = await Promise.all([
      store.noteObservations(id),
      noteComments(store, id),
      noteMedia(store, options.mediaDir, id),
    ]);
    return c.json({ note, observations, comments, media });
  });
  api.get("/media/:note/:kind/:index", async (c) => {
    const index = Number(c.req.param("index"));
    if (!Number.isInteger(index) || index < 0) throw new InvalidInputError("bad index: expected 0, 1, 2…");
    return mediaResponse(store, options.mediaDir, idParam(c, "note"), c.req.param("kind"), index);
  });
  api.get("/users", async (c) => c.json(await queryUsers(store, new URL(c.req.url).searchParams)));
  api.get("/users/:id", async (c) => {
    const id = idParam(c, "id");
    const user = await store.getUser(id);
    const notes = await notesOfUser(store, id);
    if (!user && notes.length === 0) throw new MissingError(`no user "${id}" in this database`);
    return c.json({ user, observations: await store.userObservations(id), notes });
  });
  api.get("/watches", async (c) => c.json(await readWatches(store)));
  api.all("*", (c) => problemResponseOf(unknownRouteProblem(c.req.method, c.req.path, "接口"), redact));
  app.route("/api/dashboard", api);

  return {
    app,
    control,
    close: async () => {
      await control?.close();
    },
  };
}
