// Each API command in each output format against the simulator: the same records whatever the format.
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { GUIDE } from "../../src/simulator/world/world.js";
import { jsonLines, parseCsv, simRig } from "./helpers.js";

const rig = simRig();
const root = () => rig.sim.world.comments(GUIDE.replyNoteId).find((c) => c.replyCount >= 2)!.id;

/** [name, command line] */
const COMMANDS: [string, () => string[]][] = [
  ["note", () => ["note", GUIDE.imageNoteId]],
  ["user", () => ["user", GUIDE.userId]],
  ["user-notes", () => ["user-notes", GUIDE.userId, "--limit", "3"]],
  ["favorites", () => ["favorites", GUIDE.favUserId, "--limit", "3"]],
  ["comments", () => ["comments", GUIDE.replyNoteId, "--limit", "3"]],
  ["replies", () => ["replies", GUIDE.replyNoteId, root(), "--limit", "2"]],
  ["search notes", () => ["search", "notes", GUIDE.keywords[0], "--limit", "3"]],
  ["search users", () => ["search", "users", GUIDE.keywords[1], "--limit", "3"]],
  ["topic", () => ["topic", GUIDE.topicPageId]],
  ["topic --notes", () => ["topic", GUIDE.topicPageId, "--notes", "--limit", "3"]],
  ["resolve", () => ["resolve", rig.sim.world.shortLink("user", rig.sim.world.user(GUIDE.userId)!.shortCode)]],
];

describe("every command in every format", () => {
  for (const [name, argv] of COMMANDS) {
    it(`${name}: --json, --jsonl, --csv and the terminal table agree`, async () => {
      const base = [...argv(), "--qps", "0"];
      const json = await rig.run([...base, "--json"]);
      expect(json.code, json.stderr).toBe(EXIT.ok);
      const parsed = JSON.parse(json.stdout) as { id: string } | { id: string }[];
      const ids = (Array.isArray(parsed) ? parsed : [parsed]).map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);

      const jsonl = await rig.run([...base, "--jsonl"]);
      expect(jsonl.code).toBe(EXIT.ok);
      expect(jsonLines<{ id: string }>(jsonl.stdout).map((r) => r.id)).toEqual(ids);

      const csv = await rig.run([...base, "--csv"]);
      expect(csv.code).toBe(EXIT.ok);
      expect(csv.stdout.startsWith("\uFEFF")).toBe(true);
      const rows = parseCsv(csv.stdout);
      const idCol = rows[0]!.indexOf("id");
      expect(rows.slice(1).map((r) => r[idCol])).toEqual(ids);

      const table = await rig.run(base, { stdoutTTY: true });
      expect(table.code).toBe(EXIT.ok);
      for (const id of ids) expect(table.stdout).toContain(id);
    });
  }
});

describe("payment", () => {
  it("an exhausted balance (402) ends with exit 4 and says to top up", async () => {
    const broke = simRig({ budget: { calls: 0 } });
    const r = await broke.run(["note", GUIDE.imageNoteId, "--qps", "0"]);
    expect(r.code, r.stderr).toBe(EXIT.payment);
    expect(r.stderr).toMatch(/Top up the TikHub balance/);
    expect(broke.calls()).toBe(1);
  });
});
