/**
 * Issue #10 item 6: `get_user_info` / `get_topic_info` answering `data: {}` were handed over as a user or a
 * topic of nulls (exit 0; the demo stored them). They are empty payloads: the call fails over (or gets its
 * second round) and never returns a record without identifying content.
 */
import { describe, expect, it } from "vitest";
import type { XhsClient } from "../../src/client/types.js";
import { AllSeriesFailedError } from "../../src/core/errors.js";
import type { Series } from "../../src/core/vocabulary.js";
import type { World } from "../../src/simulator/world/world.js";
import { simClient } from "./sim-helpers.js";

const SEEDS = [1, 3, 7];
const USER_INFO: Record<Series, string> = {
  app_v2: "app_v2/get_user_info",
  app_v1: "app/get_user_info",
  web_v3: "web_v3/fetch_user_info",
};

describe("empty user and topic answers are not data", () => {
  for (const seed of SEEDS) {
    for (const series of ["app_v2", "app_v1", "web_v3"] as const) {
      it(`seed ${seed}: ${USER_INFO[series]} answering {} is failed over, the user comes whole from another series`, async () => {
        const setup = simClient({ endpoints: { [USER_INFO[series]]: { rates: { empty_payload: 1 } } } }, { seed });
        const user = setup.sim.world.users()[seed]!;
        const others = (["app_v2", "app_v1", "web_v3"] as const).filter((s) => s !== series);
        const got = await setup.run(setup.xhs.users.get(user.id, { series: [series, ...others] }));
        expect(got.id).toBe(user.id);
        expect(got.nickname).toBe(user.nickname);
        expect(got.source).toBe(others[0]);
        expect(setup.events.map((e) => e.endpoint)).toEqual([USER_INFO[series], USER_INFO[others[0]!]]);
      });
    }

    it(`seed ${seed}: every series answering {} for a user is an error, never a user of nulls`, async () => {
      const setup = simClient(
        {
          series: {
            app_v2: { rates: { empty_payload: 1 } },
            app_v1: { rates: { empty_payload: 1 } },
            web_v3: { rates: { empty_payload: 1 } },
          },
        },
        { seed },
      );
      const user = setup.sim.world.users()[seed]!;
      const error = await setup.run(setup.xhs.users.get(user.id)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AllSeriesFailedError);
    });

    it(`seed ${seed}: get_topic_info answering {} once: the second round gets the topic (2 paid calls)`, async () => {
      const setup = simClient(
        { outages: [{ endpoint: "app_v2/get_topic_info", kind: "empty_payload", fromCall: 0, toCall: 1 }] },
        { seed },
      );
      const topic = setup.sim.world.topics()[seed]!;
      const got = await setup.run(setup.xhs.topics.get(topic.pageId));
      expect(got).toMatchObject({ id: topic.pageId, name: topic.name, views: topic.views });
      expect(setup.sim.ledger.snapshot().totals.billableCalls).toBe(2);
    });

    it(`seed ${seed}: get_topic_info always answering {} is an error, never a topic of nulls`, async () => {
      const setup = simClient({ endpoints: { "app_v2/get_topic_info": { rates: { empty_payload: 1 } } } }, { seed });
      const topic = setup.sim.world.topics()[seed]!;
      const error = await setup.run(setup.xhs.topics.get(topic.pageId)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AllSeriesFailedError);
    });
  }
});

/**
 * The other capabilities, checked for the same hole: each one's first answer is an empty payload; the call
 * fails over (or asks again) and still returns the subject's items, never an empty success.
 */
describe("every other capability: one empty answer is not taken for data", () => {
  type Ask = (xhs: XhsClient, world: World) => Promise<unknown[]>;
  const liveImage = (w: World) => w.notes().find((n) => !n.deleted && !n.webRestricted && n.commentsL1 >= 3)!;
  const busyUser = (w: World) => w.users().find((u) => w.userNotes(u.id).length > 3)!;
  const cases: [string, Ask][] = [
    ["app_v2/get_user_posted_notes", (x, w) => x.users.notes(busyUser(w).id).collect(3)],
    ["app_v2/get_note_comments", (x, w) => x.comments.list(liveImage(w).id).collect(3)],
    ["app_v2/search_notes", (x, w) => x.search.notes(liveImage(w).title.slice(0, 2)).collect(3)],
    ["app_v2/search_users", (x, w) => x.search.users(busyUser(w).nickname.slice(0, 2)).collect(3)],
    ["app_v2/get_topic_feed", (x, w) => x.topics.notes(w.topics()[0]!.pageId).collect(3)],
    ["app/extract_share_info", async (x, w) => [await x.links.resolve(w.shortLink("note", liveImage(w).shortCode))]],
  ];
  for (const seed of [1, 3]) {
    for (const [endpoint, ask] of cases) {
      it(`seed ${seed}: ${endpoint} answering an empty payload first`, async () => {
        const setup = simClient({ outages: [{ endpoint, kind: "empty_payload", fromCall: 0, toCall: 1 }] }, { seed });
        const got = await setup.run(ask(setup.xhs, setup.sim.world));
        expect(got.length).toBeGreaterThan(0);
        expect(setup.events[0]).toMatchObject({ endpoint, outcome: "upstream" });
      });
    }
  }
});
