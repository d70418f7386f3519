/**
 * Store write throughput: upserts per second of notes, users and comments (crawl-sized pages, new records then the
 * same records seen again with new counts), single-note crawl steps (lease, upsert, complete in one transaction),
 * and leases per second (lease one job, complete it). Each backend given runs the same workload on a fresh database,
 * in alternating rounds; the best round of each is kept (the machine is shared) and each is compared to the first.
 *
 *   node .bench-dist/bench/store-write.js [--pages N] [--rounds N] [--postgres URL]
 *
 * With --postgres (or XHS_BENCH_DATABASE_URL), the same workload runs on that Postgres too, in a database of its
 * own that is dropped afterwards: the numbers behind the sizing advice (how many workers one Postgres serves).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Comment, Note, User } from "../model/types.js";
import type { JobQueue, Store } from "../store/port.js";
import { openPostgresStore } from "../store/postgres/open.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import { round } from "./stats.js";

type Backend = Store & JobQueue;

export interface StoreBackendUnderTest {
  name: string;
  /** A fresh, empty store, and how to get rid of it afterwards. */
  open(): Promise<{ store: Backend; dispose(): Promise<void> }>;
}

export interface StoreWriteRates {
  /** Record upserts per second over pages of 20 notes, 20 users, 20 comments (half new, half seen again). */
  upsertsPerSecond: number;
  /** Single-note crawl steps per second: lease a job, upsert its note, complete it, in one transaction. */
  stepsPerSecond: number;
  /** Leases per second: lease one job, complete it. */
  leasesPerSecond: number;
}

export interface StoreWriteResult {
  pages: number;
  rounds: number;
  backends: (StoreWriteRates & { name: string; ratio: StoreWriteRates | null })[];
}

const PAGE = 20;
const T0 = Date.parse("2026-01-30T00:00:00.000Z");

function page(kind: "n" | "u" | "c", p: number, pass: number): { notes: Note[]; users: User[]; comments: Comment[] } {
  const fetchedAt = new Date(T0 + pass * 3600_000 + p).toISOString();
  const ids = Array.from({ length: PAGE }, (_, i) => `${kind}${p * PAGE + i}`);
  const author = { id: `u${p}`, nickname: "作者", avatarUrl: null, redId: null };
  return {
    notes: ids.map((id) => ({
      id,
      type: "image",
      title: `露营装备清单 ${id}`,
      text: "第一次去露营，带了帐篷、睡袋和炉具。".repeat(4),
      textTruncated: pass === 0,
      tags: ["露营", "户外"],
      author,
      stats: { likes: 100 + pass, collects: 30, comments: 12, shares: 4 },
      approx: [],
      images: [{ url: `https://sns-img.example/${id}.jpg`, width: 1080, height: 1440, livePhotoUrl: null }],
      video: null,
      publishedAt: "2026-01-20T08:00:00.000Z",
      updatedAt: null,
      ipLocation: "浙江",
      xsecToken: "ABtoken",
      url: `https://www.xiaohongshu.com/explore/${id}?xsec_token=ABtoken`,
      source: "app_v2",
      fetchedAt,
    })),
    users: ids.map((id) => ({
      id,
      nickname: `昵称${id}`,
      redId: null,
      avatarUrl: null,
      bio: pass === 0 ? null : "简介",
      gender: null,
      ipLocation: "上海",
      followers: 1000 + pass,
      following: 10,
      likesAndCollects: 5000,
      noteCount: 12,
      approx: [],
      xsecToken: null,
      url: `https://www.xiaohongshu.com/user/profile/${id}`,
      source: "app_v2",
      fetchedAt,
    })),
    comments: ids.map((id) => ({
      id,
      noteId: `n${p}`,
      rootId: null,
      replyToUser: null,
      author,
      text: "好看！",
      likes: 3 + pass,
      replyCount: 0,
      createdAt: "2026-01-21T08:00:00.000Z",
      ipLocation: null,
      pictures: [],
      pinned: null,
      byNoteAuthor: null,
      approx: [],
      source: "app_v2",
      fetchedAt,
    })),
  };
}

async function measure(store: Backend, pages: number): Promise<StoreWriteRates> {
  let started = performance.now();
  let records = 0;
  for (const pass of [0, 1]) {
    for (let p = 0; p < pages; p++) {
      const { notes, users, comments } = page(pass === 0 ? "n" : "n", p, pass);
      await store.upsertNotes(notes, { runId: "bench" });
      await store.upsertUsers(users, { runId: "bench" });
      await store.upsertComments(comments, { runId: "bench" });
      records += notes.length + users.length + comments.length;
    }
  }
  const upsertsPerSecond = records / ((performance.now() - started) / 1000);

  const steps = pages * 5;
  await store.enqueueMany(Array.from({ length: steps }, (_, i) => ({ runId: "steps", key: `note:s${i}`, kind: "k" })));
  started = performance.now();
  for (let i = 0; i < steps; i++) {
    const [job] = await store.lease("steps", { owner: "bench" });
    const note = page("n", i, 2).notes[0]!;
    await store.transaction(async () => {
      await store.upsertNotes([{ ...note, id: `s${i}` }], { runId: "steps" });
      await store.complete(job!);
    });
  }
  const stepsPerSecond = steps / ((performance.now() - started) / 1000);

  const leases = pages * 5;
  await store.enqueueMany(Array.from({ length: leases }, (_, i) => ({ runId: "leases", key: `j${i}`, kind: "k" })));
  started = performance.now();
  for (let i = 0; i < leases; i++) {
    const [job] = await store.lease("leases", { owner: "bench" });
    await store.complete(job!);
  }
  const leasesPerSecond = leases / ((performance.now() - started) / 1000);
  return { upsertsPerSecond, stepsPerSecond, leasesPerSecond };
}

const best = (a: StoreWriteRates | undefined, b: StoreWriteRates): StoreWriteRates =>
  a === undefined
    ? b
    : {
        upsertsPerSecond: Math.max(a.upsertsPerSecond, b.upsertsPerSecond),
        stepsPerSecond: Math.max(a.stepsPerSecond, b.stepsPerSecond),
        leasesPerSecond: Math.max(a.leasesPerSecond, b.leasesPerSecond),
      };

export async function measureStoreWrites(
  backends: readonly StoreBackendUnderTest[],
  options: { pages?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<StoreWriteResult> {
  const pages = options.pages ?? 100;
  const rounds = options.rounds ?? 3;
  const bests = new Map<string, StoreWriteRates>();
  for (let r = 0; r < rounds; r++) {
    for (const backend of r % 2 === 0 ? backends : [...backends].reverse()) {
      const { store, dispose } = await backend.open();
      try {
        const rates = await measure(store, pages);
        bests.set(backend.name, best(bests.get(backend.name), rates));
        options.log?.(
          `  ${backend.name} round ${r + 1}: ${round(rates.upsertsPerSecond)} upserts/s, ${round(rates.stepsPerSecond)} steps/s, ${round(rates.leasesPerSecond)} leases/s`,
        );
      } finally {
        await store.close();
        await dispose();
      }
    }
  }
  const first = bests.get(backends[0]!.name)!;
  return {
    pages,
    rounds,
    backends: backends.map(({ name }) => {
      const rates = bests.get(name)!;
      const ratio =
        name === backends[0]!.name
          ? null
          : {
              upsertsPerSecond: round(rates.upsertsPerSecond / first.upsertsPerSecond, 3),
              stepsPerSecond: round(rates.stepsPerSecond / first.stepsPerSecond, 3),
              leasesPerSecond: round(rates.leasesPerSecond / first.leasesPerSecond, 3),
            };
      return {
        name,
        upsertsPerSecond: round(rates.upsertsPerSecond),
        stepsPerSecond: round(rates.stepsPerSecond),
        leasesPerSecond: round(rates.leasesPerSecond),
        ratio,
      };
    }),
  };
}

/** A SQLite file in a temporary folder. */
export function sqliteBackend(): StoreBackendUnderTest {
  return {
    name: "sqlite",
    async open() {
      const folder = mkdtempSync(join(tmpdir(), "xhs-bench-store-"));
      const store = openSqliteStore(join(folder, "bench.db"));
      return { store, dispose: async () => rmSync(folder, { recursive: true, force: true }) };
    },
  };
}

/** A database of its own on the Postgres server of `url`, dropped afterwards. */
export function postgresBackend(url: string): StoreBackendUnderTest {
  return {
    name: "postgres",
    async open() {
      const name = `xhs_bench_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const target = new URL(url);
      target.pathname = `/${name}`;
      const store = await openPostgresStore(target.toString());
      return {
        store,
        async dispose() {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { pages: { type: "string" }, rounds: { type: "string" }, postgres: { type: "string" } },
  });
  const postgres = values.postgres ?? process.env.XHS_BENCH_DATABASE_URL;
  const backends = [sqliteBackend(), ...(postgres ? [postgresBackend(postgres)] : [])];
  const result = await measureStoreWrites(backends, {
    pages: values.pages === undefined ? undefined : Number(values.pages),
    rounds: values.rounds === undefined ? undefined : Number(values.rounds),
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
