/**
 * Share-link resolution: a link TikHub cannot parse (HTTP 400 "cannot parse the share link") is bad input,
 * final at once: no retry as if it were jitter, no other series; and a resolved link carries its URL.
 */
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import { noteUrl, userUrl } from "../../src/refs/parse-ref.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { simClient } from "../client/sim-helpers.js";

const SEEDS = [1, 7, 23];

describe("resolving a link TikHub cannot parse", () => {
  for (const seed of SEEDS) {
    it(`ends with InvalidInputError after one call, no wait, no retry, no other series (seed ${seed})`, async () => {
      const { xhs, run, events, fake } = simClient("healthy", { seed, size: "tiny" });
      const start = fake.clock.now();
      const resolves: (() => Promise<unknown>)[] = [
        () => xhs.links.resolve("http://xhslink.com/a/NoSuchCode1"),
        () => xhs.notes.get("看看 http://xhslink.com/a/NoSuchCode2 复制本条信息"),
        () => xhs.users.get("https://xhslink.com/m/NoSuchCode3"),
      ];
      for (const resolve of resolves) {
        const before = events.length;
        const error = await run(resolve()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).httpStatus).toBe(400);
        expect((error as Error).message).toMatch(/share link/);
        const attempts = events.slice(before);
        // The kind-agnostic resolver asks the note tool, then the profile tool once; a known kind asks one.
        expect(attempts.length).toBeLessThanOrEqual(2);
        expect(attempts.every((e) => e.retry === 0 && e.httpStatus === 400 && e.series === "app_v1")).toBe(true);
      }
      expect(fake.clock.now() - start).toBeLessThan(1_000);
    });
  }
});

describe("a resolved link carries its url", () => {
  for (const seed of SEEDS) {
    it(`short links of notes and users, and long URLs (seed ${seed})`, async () => {
      const { xhs, run, sim } = simClient("healthy", { seed, size: "tiny" });
      const note = [...sim.world.notes()].find((n) => !n.deleted);
      const user = sim.world.user(GUIDE.userId) ?? [...sim.world.users()][0];
      if (!note || !user) throw new Error("empty world");
      const fromNote = await run(xhs.links.resolve(sim.world.shortLink("note", note.shortCode)));
      expect(fromNote).toEqual({
        kind: "note",
        id: note.id,
        xsecToken: note.xsecToken,
        url: noteUrl(note.id, note.xsecToken),
      });
      const fromUser = await run(
        xhs.links.resolve(`快来看 ${sim.world.shortLink("user", user.shortCode)} 复制本条信息`),
      );
      expect(fromUser).toEqual({
        kind: "user",
        id: user.id,
        xsecToken: user.xsecToken,
        url: userUrl(user.id, user.xsecToken),
      });
      const long = `https://www.xiaohongshu.com/explore/${note.id}?xsec_token=${note.xsecToken}`;
      expect(await run(xhs.links.resolve(long))).toMatchObject({ kind: "note", id: note.id, url: long });
      const inText = await run(xhs.links.resolve(`看 ${long} 吧`));
      expect(inText.url).toBe(noteUrl(note.id, note.xsecToken));
    });
  }
});
