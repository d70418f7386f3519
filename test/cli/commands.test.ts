// Every single-shot command against the in-process simulator, in each output format.
import { describe, expect, it } from "vitest";
import type { Comment, Note, ResolvedLink, Topic, User } from "../../src/model/types.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { jsonLines, parseCsv, simRig } from "./helpers.js";

const rig = simRig();
const BOM = "\uFEFF";

describe("xhs note", () => {
  it("prints the note as one JSON line on a pipe (the default off a terminal)", async () => {
    const r = await rig.run(["note", GUIDE.imageNoteId, "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const [note] = jsonLines<Note>(r.stdout);
    expect(note?.id).toBe(GUIDE.imageNoteId);
    expect(note?.type).toBe("image");
    expect(note?.title).toBe(rig.sim.world.note(GUIDE.imageNoteId)?.title);
    expect(note?.author?.id).toBe(GUIDE.userId);
  });

  it("--json prints one object; --csv a BOM, the header and one row; a terminal gets a field list", async () => {
    const json = await rig.run(["note", GUIDE.imageNoteId, "--json", "--qps", "0"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Note).id).toBe(GUIDE.imageNoteId);

    const csv = await rig.run(["note", GUIDE.imageNoteId, "--csv", "--qps", "0"]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith(BOM)).toBe(true);
    const rows = parseCsv(csv.stdout);
    expect(rows[0]?.slice(0, 4)).toEqual(["id", "type", "title", "text"]);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.slice(0, 2)).toEqual([GUIDE.imageNoteId, "image"]);
    expect(rows[1]?.[2]).toBe(rig.sim.world.note(GUIDE.imageNoteId)?.title);

    const table = await rig.run(["note", GUIDE.imageNoteId, "--qps", "0"], { stdoutTTY: true });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^id\\s+${GUIDE.imageNoteId}$`, "m"));
    expect(table.stdout).toMatch(/^likes\s+\d+$/m);
  });

  it("takes a note URL with its xsec_token", async () => {
    const world = rig.sim.world.note(GUIDE.imageNoteId)!;
    const r = await rig.run(["note", rig.sim.world.noteUrl(world), "--json", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Note).id).toBe(GUIDE.imageNoteId);
  });
});

describe("xhs user / user-notes / favorites", () => {
  it("user prints the profile", async () => {
    const r = await rig.run(["user", GUIDE.userId, "--json", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const user = JSON.parse(r.stdout) as User;
    expect(user.id).toBe(GUIDE.userId);
    expect(user.nickname).toBe(rig.sim.world.user(GUIDE.userId)?.nickname);
  });

  it("user-notes stops at --limit, says more exist, and --cursor resumes without repeats", async () => {
    const first = await rig.run(["user-notes", GUIDE.userId, "--limit", "3", "--jsonl", "--qps", "0"]);
    expect(first.code, first.stderr).toBe(0);
    const notes = jsonLines<Note>(first.stdout);
    expect(notes).toHaveLength(3);
    for (const n of notes) expect(n.author?.id).toBe(GUIDE.userId);
    const cursor = /--cursor '([^']+)'/.exec(first.stderr)?.[1];
    expect(first.stderr).toMatch(/More notes exist/);
    expect(cursor).toBeTruthy();

    const next = await rig.run([
      "user-notes",
      GUIDE.userId,
      "--limit",
      "3",
      "--jsonl",
      "--cursor",
      cursor!,
      "--qps",
      "0",
    ]);
    expect(next.code, next.stderr).toBe(0);
    const more = jsonLines<Note>(next.stdout);
    expect(more.length).toBeGreaterThan(0);
    const seen = new Set(notes.map((n) => n.id));
    for (const n of more) expect(seen.has(n.id)).toBe(false);
    // Same order as the world's list: the resume leaves no gap.
    const all = rig.sim.world.userNotes(GUIDE.userId).map((n) => n.id);
    expect([...notes, ...more].map((n) => n.id)).toEqual(all.slice(0, notes.length + more.length));
  });

  it("user-notes --json is one array; --csv one header and a row per note", async () => {
    const json = await rig.run(["user-notes", GUIDE.userId, "--limit", "2", "--json", "--qps", "0"]);
    expect(json.code).toBe(0);
    const arr = JSON.parse(json.stdout) as Note[];
    expect(arr.map((n) => n.author?.id)).toEqual([GUIDE.userId, GUIDE.userId]);

    const csv = await rig.run(["user-notes", GUIDE.userId, "--limit", "2", "--csv", "--qps", "0"]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith(BOM)).toBe(true);
    expect(csv.stdout.indexOf(BOM, 1)).toBe(-1);
    const rows = parseCsv(csv.stdout);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r[0])).toEqual(["id", ...arr.map((n) => n.id)]);
  });

  it("user-notes on a terminal prints a table", async () => {
    const r = await rig.run(["user-notes", GUIDE.userId, "--limit", "2", "--qps", "0"], { stdoutTTY: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+type\s+title\s+author\s+likes/);
    expect(lines).toHaveLength(4);
  });

  it("favorites lists public favourites", async () => {
    const r = await rig.run(["favorites", GUIDE.favUserId, "--limit", "2", "--jsonl", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const ids = jsonLines<Note>(r.stdout).map((n) => n.id);
    const expected = rig.sim.world.favorites(GUIDE.favUserId)?.map((n) => n.id) ?? [];
    expect(ids).toEqual(expected.slice(0, 2));
  });
});

describe("xhs comments / replies", () => {
  it("comments --limit returns top-level comments of the note", async () => {
    const r = await rig.run(["comments", GUIDE.replyNoteId, "--limit", "5", "--json", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const comments = JSON.parse(r.stdout) as Comment[];
    expect(comments).toHaveLength(5);
    for (const c of comments) {
      expect(c.noteId).toBe(GUIDE.replyNoteId);
      expect(c.rootId).toBeNull();
    }
  });

  it("comments --replies puts each thread's replies after their comment", async () => {
    const r = await rig.run([
      "comments",
      GUIDE.replyNoteId,
      "--replies",
      "--max-replies",
      "2",
      "--limit",
      "12",
      "--jsonl",
      "--qps",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const comments = jsonLines<Comment>(r.stdout);
    const replies = comments.filter((c) => c.rootId !== null);
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) {
      const rootIndex = comments.findIndex((c) => c.id === reply.rootId);
      expect(rootIndex).toBeGreaterThanOrEqual(0);
      expect(rootIndex).toBeLessThan(comments.indexOf(reply));
    }
  });

  it("comments --sort latest is accepted and ordered newest first", async () => {
    const r = await rig.run([
      "comments",
      GUIDE.replyNoteId,
      "--sort",
      "latest",
      "--limit",
      "4",
      "--jsonl",
      "--qps",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const times = jsonLines<Comment>(r.stdout).map((c) => c.createdAt ?? "");
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("replies lists one thread", async () => {
    const root = rig.sim.world.comments(GUIDE.replyNoteId).find((c) => c.replyCount >= 3)!;
    const r = await rig.run(["replies", GUIDE.replyNoteId, root.id, "--limit", "3", "--csv", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows).toHaveLength(4);
    const rootCol = rows[0]!.indexOf("rootId");
    expect(rootCol).toBeGreaterThan(0);
    for (const row of rows.slice(1)) expect(row[rootCol]).toBe(root.id);
  });
});

describe("xhs search / topic / resolve", () => {
  it("search notes finds notes for a keyword, with filters", async () => {
    const r = await rig.run([
      "search",
      "notes",
      GUIDE.keywords[0],
      "--sort",
      "latest",
      "--type",
      "image",
      "--limit",
      "5",
      "--jsonl",
      "--qps",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const notes = jsonLines<Note>(r.stdout);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.length).toBeLessThanOrEqual(5);
    for (const n of notes) {
      expect(n.type).toBe("image");
      expect(n.textTruncated).toBe(true);
    }
    expect(new Set(notes.map((n) => n.id)).size).toBe(notes.length);
  });

  it("search notes --csv keeps Chinese text readable (UTF-8 with a BOM)", async () => {
    const r = await rig.run(["search", "notes", GUIDE.keywords[0], "--limit", "3", "--csv", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith(BOM)).toBe(true);
    expect(r.stdout).toMatch(/[\u4e00-\u9fff]/);
    expect(Buffer.from(r.stdout, "utf8").subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it("search users finds users", async () => {
    const r = await rig.run(["search", "users", GUIDE.keywords[1], "--limit", "3", "--json", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const users = JSON.parse(r.stdout) as User[];
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u.id).toMatch(/^[0-9a-z]+$/i);
  });

  it("topic prints the topic; --notes lists its notes", async () => {
    const info = await rig.run(["topic", GUIDE.topicPageId, "--json", "--qps", "0"]);
    expect(info.code, info.stderr).toBe(0);
    const topic = JSON.parse(info.stdout) as Topic;
    expect(topic.id).toBe(GUIDE.topicPageId);
    expect(topic.name).toBe(rig.sim.world.topic(GUIDE.topicPageId)?.name);

    const notes = await rig.run([
      "topic",
      GUIDE.topicPageId,
      "--notes",
      "--sort",
      "latest",
      "--limit",
      "3",
      "--jsonl",
      "--qps",
      "0",
    ]);
    expect(notes.code, notes.stderr).toBe(0);
    const list = jsonLines<Note>(notes.stdout);
    expect(list).toHaveLength(3);
    const inTopic = new Set(rig.sim.world.topicNotes(GUIDE.topicPageId).map((n) => n.id));
    for (const n of list) expect(inTopic.has(n.id)).toBe(true);
  });

  it("resolve turns a short link into the note id and token", async () => {
    const note = rig.sim.world.note(GUIDE.imageNoteId)!;
    const link = rig.sim.world.shortLink("note", note.shortCode);
    const r = await rig.run(["resolve", link, "--json", "--qps", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const resolved = JSON.parse(r.stdout) as ResolvedLink;
    expect(resolved).toMatchObject({ kind: "note", id: note.id });
  });
});
