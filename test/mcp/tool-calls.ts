/**
 * Calls every MCP tool of the registry with valid arguments from the simulator's world, through a
 * real MCP client (any transport), and checks each answer is about what was asked.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expect } from "vitest";
import { CAPABILITY_REGISTRY } from "../../src/service/operations.js";
import type { World } from "../../src/simulator/world/index.js";
import { GUIDE } from "../../src/simulator/world/index.js";

type Answer = Record<string, unknown> & {
  items?: Record<string, unknown>[];
  cursor?: string | null;
  hasMore?: boolean;
};

export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    content: { type: string; text?: string }[];
  };
  return { isError: result.isError === true, text: result.content.map((c) => c.text ?? "").join("\n") };
}

async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<Answer> {
  const { isError, text } = await callTool(client, name, args);
  expect(isError, `${name}: ${text}`).toBe(false);
  return JSON.parse(text) as Answer;
}

/** Calls each tool once (list_comments twice, to follow its cursor); returns the tools called. */
export async function callEveryTool(client: Client, world: World): Promise<string[]> {
  const called: string[] = [];
  const note = await ok(client, "get_note", { ref: GUIDE.imageNoteId });
  expect((note["note"] as { id: string }).id).toBe(GUIDE.imageNoteId);
  expect(note["omittedFields"]).toEqual(expect.arrayContaining([expect.stringContaining("images")]));
  called.push("get_note");

  const comments = await ok(client, "list_comments", { ref: GUIDE.replyNoteId, limit: 4 });
  expect(comments.items).toHaveLength(4);
  expect(comments.hasMore).toBe(true);
  const next = await ok(client, "list_comments", { ref: GUIDE.replyNoteId, limit: 4, cursor: comments.cursor });
  const firstIds = new Set(comments.items!.map((c) => c["id"]));
  expect(next.items!.some((c) => firstIds.has(c["id"]))).toBe(false);
  called.push("list_comments");

  const threaded = [...comments.items!, ...next.items!].find((c) => Number(c["replyCount"]) > 0)!;
  const replies = await ok(client, "list_replies", { ref: GUIDE.replyNoteId, commentId: threaded["id"], limit: 2 });
  for (const reply of replies.items!) expect(reply["rootId"]).toBe(threaded["id"]);
  called.push("list_replies");

  const user = await ok(client, "get_user", { ref: GUIDE.userId });
  expect((user["user"] as { id: string }).id).toBe(GUIDE.userId);
  called.push("get_user");

  const userNotes = await ok(client, "list_user_notes", { ref: GUIDE.userId, limit: 2 });
  for (const n of userNotes.items!) expect((n["author"] as { id: string }).id).toBe(GUIDE.userId);
  called.push("list_user_notes");

  const favs = await ok(client, "list_user_favorites", { ref: GUIDE.favUserId, limit: 2 });
  expect(favs.items!.map((n) => n["id"])).toEqual(
    world
      .favorites(GUIDE.favUserId)!
      .slice(0, 2)
      .map((n) => n.id),
  );
  called.push("list_user_favorites");

  const search = await ok(client, "search_notes", { q: GUIDE.keywords[0], sort: "latest", limit: 3 });
  expect(search.items).toHaveLength(3);
  for (const n of search.items!) expect(String(n["text"] ?? "").length).toBeLessThanOrEqual(281);
  called.push("search_notes");

  const users = await ok(client, "search_users", { q: world.user(GUIDE.userId)!.nickname, limit: 2 });
  expect(users.items!.map((u) => u["id"])).toContain(GUIDE.userId);
  called.push("search_users");

  const topic = await ok(client, "get_topic", { id: GUIDE.topicPageId });
  expect((topic["topic"] as { name: string }).name).toBe(world.topic(GUIDE.topicPageId)!.name);
  called.push("get_topic");

  const topicNotes = await ok(client, "list_topic_notes", { id: GUIDE.topicPageId, limit: 2 });
  expect(topicNotes.items).toHaveLength(2);
  called.push("list_topic_notes");

  const worldNote = world.note(GUIDE.imageNoteId)!;
  const link = await ok(client, "resolve_link", { text: world.shortLink("note", worldNote.shortCode) });
  expect(link["link"]).toMatchObject({ kind: "note", id: GUIDE.imageNoteId });
  called.push("resolve_link");

  expect(called.sort()).toEqual(CAPABILITY_REGISTRY.map((c) => c.tool).sort());
  return called;
}

/** Tool errors come back as MCP tool errors with a clear message, not crashes. */
export async function checkToolErrors(client: Client): Promise<void> {
  const missing = await callTool(client, "get_note", { ref: "0123456789abcdef01234567" });
  expect(missing.isError).toBe(true);
  expect(missing.text).toMatch(/Not found/);
  const invalid = await callTool(client, "list_comments", { ref: GUIDE.replyNoteId, limit: 1000 });
  expect(invalid.isError).toBe(true);
  expect(invalid.text).toMatch(/limit/);
  const badRef = await callTool(client, "get_user", { ref: "hello world" });
  expect(badRef.isError).toBe(true);
  expect(badRef.text).toMatch(/ref/);
}
