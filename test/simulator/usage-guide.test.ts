/**
 * TikHub's own Python examples against the simulator: "a client nobody here wrote".
 *
 * The combined ("Comprehensive example") snippets of the usage guide are extracted at run time from the guide's text
 * (kept outside the repo, see test/support/reference.ts), their line numbers stripped and only `BASE_URL` replaced by a
 * startSimulator() URL; python3 (with `requests`) runs each one, and the test reads the script's own `result`
 * ({"source": series, "data": envelope} or None) and checks that the envelope's code is 200 and that the answer is
 * about the id or keyword the example asked for.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "../../src/simulator/index.js";
import { referencePath } from "../support/reference.js";

const run = promisify(execFile);
const guidePath = referencePath("tikhub-xhs-usage-guide.txt");

const hasGuide = existsSync(guidePath);
const hasPython = spawnSync("python3", ["-c", "import requests"], { stdio: "ignore" }).status === 0;
const skipReason = !hasGuide
  ? `usage guide not found at ${guidePath}`
  : !hasPython
    ? "python3 with the requests package is not available"
    : "";
// A missing guide is announced once for all suites (test/support/reference-notice.ts); a missing python is not.
if (hasGuide && skipReason) console.warn(`usage-guide.test.ts skipped: ${skipReason}`);

interface GuideExample {
  /** The heading's tail, e.g. "get single note details". */
  title: string;
  /** Line of the heading in the guide (1-based). */
  line: number;
  code: string;
}

/**
 * The guide's "Comprehensive example: …" snippets. Each is the block of numbered lines after the next
 * `python` line: line k starts with the number k, which is stripped (nothing else is touched).
 */
function extractCombinedExamples(guide: string): GuideExample[] {
  const lines = guide.split(/\r?\n/);
  const examples: GuideExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = /^Comprehensive example: (.*)$/.exec(lines[i] ?? "");
    if (!heading) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]?.trim() !== "python") j++;
    const code: string[] = [];
    for (let k = 1, at = j + 1; at < lines.length; k++, at++) {
      const text = lines[at] ?? "";
      if (!text.startsWith(String(k))) break;
      code.push(text.slice(String(k).length));
    }
    examples.push({ title: heading[1] ?? "", line: i + 1, code: code.join("\n") });
  }
  return examples;
}

/** Replaces only the BASE_URL assignment. */
function pointAt(code: string, baseUrl: string): string {
  const pattern = /^BASE_URL = "https:\/\/api\.tikhub\.io"$/m;
  if (!pattern.test(code)) throw new Error("the example has no BASE_URL line to replace");
  return code.replace(pattern, `BASE_URL = ${JSON.stringify(baseUrl)}`);
}

/** Runs the example as-is and hands back its global `result` as JSON. */
const HARNESS = `
import json, runpy, sys
scope = runpy.run_path(sys.argv[1], run_name="__main__")
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(scope.get("result"), out, ensure_ascii=False)
`;

interface Outcome {
  source: "app_v2" | "app_v1" | "web_v3";
  data: Envelope;
}
interface Envelope {
  code: number;
  router: string;
  params: Record<string, string>;
  data: unknown;
}

/** All values in `value` (depth-first) found under one of `keys`. */
function valuesUnder(value: unknown, keys: readonly string[]): unknown[] {
  const found: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (keys.includes(k)) found.push(x);
        walk(x);
      }
    }
  };
  walk(value);
  return found;
}

describe.skipIf(skipReason !== "")("the usage guide's Python examples against the simulator", () => {
  let sim: RunningSimulator;
  let dir: string;
  let examples: GuideExample[];

  beforeAll(async () => {
    // rateLimit 0: eight scripts back to back with one key would otherwise meet TikHub's 10/s.
    sim = await startSimulator({ seed: 1, rateLimit: 0 });
    dir = mkdtempSync(path.join(tmpdir(), "xhs-guide-"));
    examples = extractCombinedExamples(readFileSync(guidePath, "utf8"));
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runExample(titlePart: string): Promise<{ result: Outcome | null; stdout: string; code: string }> {
    const example = examples.find((e) => e.title.includes(titlePart));
    if (!example) throw new Error(`no combined example "${titlePart}" in the guide`);
    const code = pointAt(example.code, sim.url);
    const name = titlePart.replace(/\W+/g, "-");
    const script = path.join(dir, `${name}.py`);
    const output = path.join(dir, `${name}.json`);
    const harness = path.join(dir, "harness.py");
    writeFileSync(script, code);
    writeFileSync(harness, HARNESS);
    const { stdout } = await run("python3", [harness, script, output], { timeout: 60_000 });
    return { result: JSON.parse(readFileSync(output, "utf8")) as Outcome | null, stdout, code };
  }

  it("extracts the eight combined examples, numbers stripped, and changes only BASE_URL", () => {
    expect(examples.map((e) => e.title)).toEqual([
      "using three series together to get single note details",
      "using three series together to get user information",
      "using three series together to get a user's published notes",
      "using three series together to get top-level comments",
      "using three series together to get sub-comments",
      "using three series together to search notes",
      "using two series together to search users",
      "using two series together to get topic notes",
    ]);
    for (const e of examples) {
      expect(e.code.startsWith("import requests\n")).toBe(true);
      expect(e.code).toMatch(/^print\(result\)$/m);
      const pointed = pointAt(e.code, "http://127.0.0.1:1");
      const diff = e.code.split("\n").filter((line, i) => line !== pointed.split("\n")[i]);
      expect(diff).toEqual(['BASE_URL = "https://api.tikhub.io"']);
    }
  });

  it("single note details: App V2 answers the guide's image note", async () => {
    const { result, code } = await runExample("single note details");
    expect(code).toMatch(/NOTE_ID = "697c0eee000000000a03c308"/);
    // XSEC_TOKEN is the placeholder "ABxxxxxxxxxxxxxx": it would only matter on Web V3, which the
    // example never reaches because App V2, the primary series, answers.
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    const inner = result?.data.data as { data: { note_list: { id: string }[] }[] };
    expect(inner.data[0]?.note_list[0]?.id).toBe("697c0eee000000000a03c308");
  });

  it("single note details when App V2 and App V1 are down: the placeholder xsec_token reaches Web V3", async () => {
    // Same script, only the simulator changes: both app series answer 503, so the example falls back to
    // Web V3 with XSEC_TOKEN = "ABxxxxxxxxxxxxxx". That is not the note's token, and the real API answers
    // a wrong token with HTTP 200 / code 200 and an inner failure "当前笔记暂时无法浏览" (billed), which the
    // guide's illustrative `code == 200` check accepts.
    sim.setFaults({
      outages: [
        { series: "app_v2", kind: "http_503", fromCall: 0 },
        { series: "app_v1", kind: "http_503", fromCall: 0 },
      ],
    });
    try {
      const { result } = await runExample("single note details");
      expect(result?.source).toBe("web_v3");
      expect(result?.data.code).toBe(200);
      expect(result?.data.params).toMatchObject({
        note_id: "697c0eee000000000a03c308",
        xsec_token: "ABxxxxxxxxxxxxxx",
      });
      expect(result?.data.data).toMatchObject({ success: false, msg: "当前笔记暂时无法浏览" });
    } finally {
      sim.setFaults("healthy");
    }
  });

  it("the share-link snippet with the placeholder xhslink.com/m/xxxxx: TikHub's 400 for a link it cannot parse", async () => {
    // The guide's section 2.3 is a fragment meant to follow its section 2.1's setup; it runs with that setup (import,
    // BASE_URL, HEADERS) prepended. "https://xhslink.com/m/xxxxx" leads nowhere, so the real API answers 400
    // "分享链接解析失败".
    const guide = readFileSync(guidePath, "utf8").split(/\r?\n/);
    const at = guide.findIndex((l) => l.includes('"share_link": "https://xhslink.com/m/xxxxx"'));
    expect(at).toBeGreaterThan(0);
    let start = at;
    while (start > 0 && guide[start - 1]?.trim() !== "python") start--;
    const fragment: string[] = [];
    for (let k = 1, i = start; i < guide.length && guide[i]?.startsWith(String(k)); k++, i++) {
      fragment.push(guide[i]!.slice(String(k).length));
    }
    const setup = [
      "import requests",
      `BASE_URL = ${JSON.stringify(sim.url)}`,
      'HEADERS = {"Authorization": "Bearer YOUR_API_KEY"}',
    ];
    const script = path.join(dir, "share-link.py");
    writeFileSync(script, `${setup.join("\n")}\n${fragment.join("\n")}\n`);
    const { stdout } = await run("python3", [script], { timeout: 60_000 });
    expect(fragment.join("\n")).toMatch(/get_user_id_and_xsec_token/);
    expect(stdout).toMatch(/'code': 400/);
    expect(stdout).toMatch(/分享链接解析失败/);
  });

  it("user information: App V2 answers the guide's user", async () => {
    const { result } = await runExample("user information");
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    expect(valuesUnder(result?.data.data, ["userid", "user_id", "userId", "id"])).toContain("61b46d790000000010008153");
  });

  it("a user's published notes: App V2 lists notes by that user", async () => {
    const { result } = await runExample("published notes");
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    const notes = valuesUnder(result?.data.data, ["notes"])[0] as { user?: { userid?: string } }[];
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect(note.user?.userid).toBe("61b46d790000000010008153");
  });

  it("top-level comments: App V2 lists comments of the guide's note", async () => {
    const { result } = await runExample("top-level comments");
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    const comments = valuesUnder(result?.data.data, ["comments"])[0] as { note_id?: string }[];
    expect(comments.length).toBeGreaterThan(0);
    for (const c of comments) expect(c.note_id).toBe("697c0eee000000000a03c308");
  });

  it("sub-comments with the placeholder comment id: what the real API gives for an unknown comment", async () => {
    const { result, code } = await runExample("sub-comments");
    expect(code).toMatch(/COMMENT_ID = "PARENT_COMMENT_ID"/);
    // The guide passes the placeholder "PARENT_COMMENT_ID": no such comment exists, so the real App V2
    // answers HTTP 200 / code 200 with an empty reply list (billed), and the example stops there.
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    expect(result?.data.params).toMatchObject({ note_id: "699916e6000000001d0253da", comment_id: "PARENT_COMMENT_ID" });
    expect(sim.world.comment("699916e6000000001d0253da", "PARENT_COMMENT_ID")).toBeUndefined();
    expect(valuesUnder(result?.data.data, ["comments"])).toEqual([[]]);
  });

  it("note search: App V2 finds notes for 美食推荐", async () => {
    const { result } = await runExample("search notes");
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    const items = valuesUnder(result?.data.data, ["items"])[0] as { note?: { id?: string } }[];
    expect(items.length).toBeGreaterThan(0);
    // Every hit is one of the world's notes filed under the keyword (their text contains it).
    const matches = new Set(sim.world.search("美食推荐").map((n) => n.id));
    for (const item of items) expect(matches.has(item.note?.id ?? "")).toBe(true);
  });

  it("user search: App V2 finds users for 美食博主", async () => {
    const { result } = await runExample("search users");
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    const users = valuesUnder(result?.data.data, ["users"])[0] as { id?: string }[];
    expect(users.length).toBeGreaterThan(0);
    const matches = new Set(sim.world.searchUsers("美食博主").map((u) => u.id));
    for (const user of users) expect(matches.has(user.id ?? "")).toBe(true);
  });

  it("topic notes: App V2 answers the guide's topic page", async () => {
    const { result } = await runExample("topic notes");
    expect(result?.source).toBe("app_v2");
    expect(result?.data.code).toBe(200);
    const items = valuesUnder(result?.data.data, ["items"])[0] as { id?: string }[];
    expect(items.length).toBeGreaterThan(0);
    const onTopic = new Set(sim.world.topicNotes("5c1cc866febed9000184b7c1").map((n) => n.id));
    for (const item of items) expect(onTopic.has(item.id ?? "")).toBe(true);
  });
});
