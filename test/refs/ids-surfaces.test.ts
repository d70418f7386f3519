/**
 * Issue #10 item 9 and part of 15: ids of every kind are checked locally and exactly before anything is
 * paid (TikHub bills a wrong id like a good one), on every surface: the library, raw calls, the
 * capability schemas the server and MCP use, and the CLI (exit 2). And `xhs topic` takes the topic URL.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { InvalidInputError, NotFoundError } from "../../src/core/errors.js";
import { MAX_REF_LENGTH } from "../../src/refs/parse-ref.js";
import { capabilityByName } from "../../src/service/operations.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { simRig } from "../cli/helpers.js";
import { simClient } from "../client/sim-helpers.js";

const NOTE = GUIDE.imageNoteId;
const BAD_NOTE_IDS = [NOTE.slice(1), NOTE.toUpperCase(), `${NOTE.slice(0, 23)}x`, `${NOTE}0`];
const TOPIC_URL = `https://www.xiaohongshu.com/page/topics/${GUIDE.topicPageId}?naviHidden=yes`;

describe("the library refuses malformed ids before any call", () => {
  for (const seed of [1, 7, 23]) {
    it(`notes, users, replies, topics and raw calls (seed ${seed})`, async () => {
      const { xhs, run, events } = simClient("healthy", { seed, size: "tiny" });
      const refused = async (work: () => Promise<unknown>, message: RegExp) => {
        // Thrown at once or rejected: either way before anything is sent.
        const error = await (async () => run(work()))().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as Error).message).toMatch(message);
      };
      for (const id of BAD_NOTE_IDS) await refused(() => xhs.notes.get(id), new RegExp(JSON.stringify(id)));
      await refused(() => xhs.users.get(GUIDE.userId.toUpperCase()), /uppercase/);
      await refused(() => xhs.comments.replies(NOTE, "nonsense").collect(1), /not a comment id: "nonsense"/);
      await refused(() => xhs.comments.replies(NOTE, "68F599C1000000001B0249A5").collect(1), /uppercase/);
      await refused(() => xhs.topics.get("nonsense"), /not a topic page id: "nonsense"/);
      await refused(() => xhs.topics.notes(GUIDE.topicPageId.slice(1)).collect(1), /23 characters/);
      await refused(
        () => xhs.raw("app_v2/get_image_note_detail", { note_id: NOTE.slice(1) }),
        /"note_id": not a note id/,
      );
      await refused(() => xhs.raw("app_v2/get_note_sub_comments", { note_id: NOTE, comment_id: "x" }), /comment_id/);
      expect(events).toEqual([]);
    });
  }

  it("takes an all-letter hex id (it is asked for, and found missing, not refused)", async () => {
    const { xhs, run, events } = simClient("healthy", { seed: 7, size: "tiny" });
    const error = await run(xhs.notes.get("deadbeefdeadbeefdeadbeef")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(events.length).toBeGreaterThan(0);
  });

  it("takes a topic page URL wherever a topic page id goes", async () => {
    const { xhs, run } = simClient("healthy", { seed: 7 });
    const byId = await run(xhs.topics.get(GUIDE.topicPageId));
    expect(await run(xhs.topics.get(TOPIC_URL))).toEqual(byId);
    const viaUrl = await run(xhs.topics.notes(TOPIC_URL).collect(3));
    const viaId = await run(xhs.topics.notes(GUIDE.topicPageId).collect(3));
    expect(viaUrl.map((n) => n.id)).toEqual(viaId.map((n) => n.id));
    expect(viaUrl).toHaveLength(3);
  });
});

describe("the server's and MCP's input schemas use the same rules", () => {
  it("refuses a malformed comment or topic id, takes a topic URL", () => {
    const replies = capabilityByName("replies")?.input;
    const topic = capabilityByName("topic")?.input;
    if (!replies || !topic) throw new Error("capabilities missing");
    const bad = replies.safeParse({ ref: NOTE, commentId: "nonsense" });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/not a comment id/);
    expect(replies.safeParse({ ref: NOTE, commentId: "68f599c1000000001b0249a5" }).success).toBe(true);
    expect(replies.safeParse({ ref: NOTE.toUpperCase(), commentId: "68f599c1000000001b0249a5" }).success).toBe(false);
    expect(topic.safeParse({ id: TOPIC_URL }).success).toBe(true);
    expect(topic.safeParse({ id: "nonsense" }).success).toBe(false);
    // The schemas bound a ref where the parser does (MAX_REF_LENGTH), not tighter: long share text passes.
    const shareText = `${"看看这个笔记".repeat(500)} https://www.xiaohongshu.com/explore/${NOTE}`;
    expect(shareText.length).toBeGreaterThan(2048);
    expect(shareText.length).toBeLessThanOrEqual(MAX_REF_LENGTH);
    expect(replies.safeParse({ ref: shareText, commentId: "68f599c1000000001b0249a5" }).success).toBe(true);
    expect(
      replies.safeParse({ ref: `${"x".repeat(MAX_REF_LENGTH)} ${NOTE}`, commentId: "68f599c1000000001b0249a5" })
        .success,
    ).toBe(false);
  });
});

describe("the CLI: exit 2 and nothing paid for a malformed id; the topic URL works", () => {
  const rig = simRig();
  const cases: [string, string[], RegExp][] = [
    [
      "replies with a comment id that is a word",
      ["replies", GUIDE.replyNoteId, "nonsense"],
      /not a comment id: "nonsense"/,
    ],
    ["a 23-character note id", ["note", NOTE.slice(1)], /23 characters/],
    ["an uppercase note id", ["note", NOTE.toUpperCase()], /uppercase/],
    ["a non-hex note id", ["comments", `${NOTE.slice(0, 23)}x`], /other than 0-9 and a-f/],
    ["an uppercase user id", ["user", GUIDE.userId.toUpperCase()], /uppercase/],
    ["a malformed topic id", ["topic", "nonsense"], /not a topic page id: "nonsense"/],
    ["a topic URL with a bad id", ["topic", TOPIC_URL.replace("5c1c", "5C1C")], /uppercase/],
  ];
  for (const [name, argv, message] of cases) {
    it(`refuses ${name}`, async () => {
      const before = rig.calls();
      const r = await rig.run(argv);
      expect(r.code, r.stderr).toBe(EXIT.usage);
      expect(r.stderr).toMatch(message);
      expect(rig.calls()).toBe(before);
    });
  }

  it("`xhs topic <the URL its help shows>` gives what the id gives", async () => {
    const byId = await rig.run(["topic", GUIDE.topicPageId, "--json"]);
    expect(byId.code, byId.stderr).toBe(EXIT.ok);
    const byUrl = await rig.run(["topic", TOPIC_URL, "--json"]);
    expect(byUrl.code, byUrl.stderr).toBe(EXIT.ok);
    const { fetchedAt: _a, ...fromUrl } = JSON.parse(byUrl.stdout);
    const { fetchedAt: _b, ...fromId } = JSON.parse(byId.stdout);
    expect(fromUrl).toEqual(fromId);
    expect(fromUrl).toMatchObject({ id: GUIDE.topicPageId });
    const notes = await rig.run(["topic", TOPIC_URL, "--notes", "--limit", "2", "--jsonl"]);
    expect(notes.code, notes.stderr).toBe(EXIT.ok);
  });

  it("`xhs resolve` on a link TikHub cannot parse: exit 2 at once, url filled on a good one", async () => {
    const before = rig.calls();
    const bad = await rig.run(["resolve", "http://xhslink.com/a/NoSuchCode9", "--json"]);
    expect(bad.code, bad.stderr).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/cannot parse the share link/);
    expect(rig.calls() - before).toBeLessThanOrEqual(2);
    const note = rig.sim.world.note(NOTE);
    if (!note) throw new Error("no guide note");
    const good = await rig.run(["resolve", rig.sim.world.shortLink("note", note.shortCode), "--json"]);
    expect(good.code, good.stderr).toBe(EXIT.ok);
    expect(JSON.parse(good.stdout)).toMatchObject({ kind: "note", id: NOTE, url: expect.stringContaining(NOTE) });
  });
});

describe("the help examples of topic, replies and resolve work on the simulator's default world", () => {
  const rig = simRig();
  for (const command of ["topic", "replies", "resolve"]) {
    it(`xhs ${command} --help`, async () => {
      const help = await rig.run([command, "--help"]);
      const examples = help.stdout
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.startsWith(`xhs ${command} `));
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        // Shell words: split on spaces, single quotes removed (the examples quote one URL each).
        const argv = (example.match(/'[^']*'|\S+/g) ?? []).slice(1).map((w) => w.replace(/^'|'$/g, ""));
        const r = await rig.run(argv);
        expect(r.code, `${example}: ${r.stderr}`).toBe(0);
      }
    });
  }
});
