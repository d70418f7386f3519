import { describe, expect, it } from "vitest";
import { endpoint } from "../../src/catalog/endpoints.js";
import { inspect, runProbe } from "../../src/cli/commands/probe.js";
import { createClient } from "../../src/client/create-client.js";
import { createSimulator } from "../../src/simulator/index.js";
import { runCli } from "../cli/helpers.js";

function world() {
  const sim = createSimulator({ seed: 3, rateLimit: 0 });
  const live = sim.world.notes().filter((n) => !n.deleted && !n.webRestricted);
  const image = live.find((n) => n.type === "normal")!;
  const video = live.find((n) => n.type === "video")!;
  const comment = sim.world.comments(image.id).find((c) => c.replyCount > 0);
  return { sim, image, video, comment, topic: sim.world.topics()[0]!, user: sim.world.user(image.userId)! };
}

describe("xhs probe", () => {
  it("makes one call per endpoint it has ids for and prints the drift report", async () => {
    const { sim, image, video, topic, user, comment } = world();
    const noteUrl = `https://www.xiaohongshu.com/explore/${image.id}?xsec_token=${encodeURIComponent(image.xsecToken)}`;
    const args = [
      "probe",
      "--note",
      noteUrl,
      "--video-note",
      video.id,
      "--user",
      user.id,
      "--keyword",
      image.keywords[0]!,
    ];
    args.push("--topic", topic.pageId, "--base-url", sim.url, "--qps", "0", "--json");
    if (comment) args.push("--comment", comment.id);
    const result = await runCli(args, { env: { TIKHUB_API_KEY: "probe-key" }, fetch: sim.fetch });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { endpoint: string; status: string; missing: Record<string, number> }[];
    const probed = rows.filter((r) => r.status !== "skipped");
    // One billable call per probed endpoint, nothing more.
    expect(sim.ledger.snapshot().totals.calls).toBe(probed.length);
    // A note keyword may match no user: an empty answer is reported as such, not as an error.
    expect(
      probed.filter((r) => r.status !== "ok" && !(r.status === "empty" && r.endpoint.includes("search_users"))),
    ).toEqual([]);
    expect(rows.find((r) => r.endpoint === "app/get_user_id_and_xsec_token")!.status).toBe("skipped");
    expect(probed.length).toBeGreaterThanOrEqual(24);
  });

  it("reports fields a real answer lacks", async () => {
    const { sim, image } = world();
    const xhs = createClient({ apiKey: "k", fetch: sim.fetch, baseUrl: sim.url, qps: 0 });
    const raw = await xhs.raw("app_v2/get_image_note_detail", { note_id: image.id });
    const body = structuredClone(raw.body) as { data: { data: { note_list: Record<string, unknown>[] }[] } };
    const note = body.data.data[0]!.note_list[0]!;
    delete note.title;
    delete note.liked_count;
    const row = inspect(endpoint("app_v2/get_image_note_detail"), body, { note_id: image.id });
    expect(row.status).toBe("ok");
    expect(Object.keys(row.missing).join(" ")).toMatch(/title/);
    expect(Object.keys(row.missing).join(" ")).toMatch(/liked_count/);
    const clean = inspect(endpoint("app_v2/get_image_note_detail"), raw.body, { note_id: image.id });
    expect(clean.missing).toEqual({});
  });

  it("stops at once on a bad key (exit 3), after a single call", async () => {
    const sim = createSimulator({ seed: 3, rateLimit: 0, keys: ["right"] });
    const xhs = createClient({ apiKey: "wrong", fetch: sim.fetch, baseUrl: sim.url, qps: 0 });
    await expect(runProbe(xhs, { keyword: "x", topic: "abcd1234" })).rejects.toMatchObject({ kind: "auth" });
    const result = await runCli(["probe", "--keyword", "x", "--base-url", sim.url], {
      env: { TIKHUB_API_KEY: "wrong" },
      fetch: sim.fetch,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain("wrong");
  });

  it("needs at least one id", async () => {
    const result = await runCli(["probe", "--base-url", "http://tikhub.simulator"], { env: { TIKHUB_API_KEY: "k" } });
    expect(result.code).toBe(2);
  });
});
