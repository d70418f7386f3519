import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ParseIo, runParse } from "../../src/cli/commands/parse.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { answers, NOTE_A, NOTE_R, NOTE_V } from "../fixtures/series/answers.js";

function io(files: Record<string, string>, stdin = ""): ParseIo & { out: string; err: string } {
  const state = {
    out: "",
    err: "",
    readStdin: () => stdin,
    readFile: (p: string) => {
      const text = files[p];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${p}'`);
      return text;
    },
    stdout: (t: string) => {
      state.out += t;
    },
    stderr: (t: string) => {
      state.err += t;
    },
  };
  return state;
}

const files = {
  "video.json": JSON.stringify(answers.videoDetail),
  "wrong.json": JSON.stringify(answers.videoDetailWrongNote),
  "failure.json": JSON.stringify(answers.innerFailure),
  "notfound.json": JSON.stringify(answers.innerNotFound),
  "bad.json": "{ not json",
  "shape.json": JSON.stringify({ code: 200, data: 7 }),
};

describe("xhs parse", () => {
  it("prints {endpoint, items, hasMore, cursor} as 2-space JSON for a detail answer", () => {
    const s = io(files);
    expect(runParse("app_v2/get_video_note_detail", "video.json", undefined, s)).toBe(EXIT.ok);
    expect(s.out).toBe(`${JSON.stringify(JSON.parse(s.out), null, 2)}\n`);
    const result = JSON.parse(s.out);
    expect(Object.keys(result)).toEqual(["endpoint", "items", "hasMore", "cursor"]);
    expect(result.items.map((n: { id: string }) => n.id)).toEqual([NOTE_V]);
    expect(result.hasMore).toBeNull();
  });

  it("--id picks another candidate; stdin with - or no file", () => {
    const s = io({}, JSON.stringify(answers.videoDetail));
    expect(runParse("app_v2/get_video_note_detail", "-", NOTE_R, s)).toBe(EXIT.ok);
    expect(JSON.parse(s.out).items[0].id).toBe(NOTE_R);
    const t = io({}, JSON.stringify(answers.searchNotes));
    expect(runParse("app_v2/search_notes", undefined, undefined, t)).toBe(EXIT.ok);
    expect(JSON.parse(t.out).cursor).toEqual({ page: "2", search_id: "2eb6y1", search_session_id: "sess-1" });
  });

  it("a wrong note: items empty on stdout, the error on stderr, exit 7", () => {
    const s = io(files);
    expect(runParse("app_v2/get_video_note_detail", "wrong.json", undefined, s)).toBe(EXIT.upstream);
    expect(JSON.parse(s.out)).toEqual({
      endpoint: "app_v2/get_video_note_detail",
      items: [],
      hasMore: null,
      cursor: null,
    });
    expect(s.err).toContain(NOTE_A);
    const t = io(files);
    expect(runParse("app_v2/get_video_note_detail", "video.json", "000000000000000000000000", t)).toBe(EXIT.upstream);
    expect(JSON.parse(t.out).items).toEqual([]);
  });

  it("inner failure exits 7, not-found 5, with the upstream message; nothing on stdout", () => {
    const s = io(files);
    expect(runParse("app_v2/get_image_note_detail", "failure.json", undefined, s)).toBe(EXIT.upstream);
    expect(s.err).toContain("服务异常");
    expect(s.out).toBe("");
    const t = io(files);
    expect(runParse("app_v2/get_image_note_detail", "notfound.json", undefined, t)).toBe(EXIT.notFound);
  });

  it("unknown endpoint, unreadable file and invalid JSON are usage errors (2); unknown shapes exit 7", () => {
    const cases: [string, string, number][] = [
      ["app_v2/no_such_endpoint", "video.json", EXIT.usage],
      ["app_v2/get_video_note_detail", "missing.json", EXIT.usage],
      ["app_v2/get_video_note_detail", "bad.json", EXIT.usage],
      ["app_v2/get_video_note_detail", "shape.json", EXIT.upstream],
    ];
    for (const [name, file, code] of cases) {
      const s = io(files);
      expect(runParse(name, file, undefined, s)).toBe(code);
      expect(s.out).toBe("");
      expect(s.err).toMatch(/^xhs parse: /);
    }
  });

  it("end to end through main(): a saved file (relative to cwd), then --id on a wrong note", async () => {
    const { main } = await import("../../src/cli/main.js");
    const dir = mkdtempSync(path.join(tmpdir(), "xhs-parse-"));
    writeFileSync(path.join(dir, "answer.json"), JSON.stringify(answers.imageDetail));
    const run = async (args: string[]) => {
      const out = { stdout: "", stderr: "" };
      const sink = (key: "stdout" | "stderr") => ({
        write: (chunk: string) => {
          out[key] += chunk;
          return true;
        },
      });
      const code = await main(args, {
        stdout: sink("stdout"),
        stderr: sink("stderr"),
        env: {},
        cwd: dir,
        signal: new AbortController().signal,
      });
      return { code, ...out };
    };
    const ok = await run(["parse", "app_v2/get_image_note_detail", "answer.json"]);
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout).items[0].id).toBe(NOTE_A);
    const wrong = await run(["parse", "app_v2/get_image_note_detail", "answer.json", "--id", NOTE_V]);
    expect(wrong.code).toBe(EXIT.upstream);
    expect(JSON.parse(wrong.stdout).items).toEqual([]);
    expect(wrong.stderr).toContain(NOTE_V);
  });
});
