/**
 * Comments and docs pages cite only what is in the repo (issue #11): the reference material the code was written
 * against lives outside it, so a comment that points at one of its files or at a numbered section of it sends a reader
 * nowhere. The facts are restated under anchors in docs/reference-notes.md; cite those. A section sign is allowed only
 * after an RFC number (a public standard anyone can open).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/** What a comment must not contain, each with the reason a reader is told. */
const OUTSIDE_CITATIONS: { pattern: RegExp; why: string }[] = [
  { pattern: /\b(?:tikhub-api|xhs-shapes)\.md\b/i, why: "names a reference file outside the repo" },
  { pattern: /\btikhub-xhs-usage-guide\.txt\b/i, why: "names the usage guide's file, outside the repo" },
  { pattern: /(?<!\bRFC \d+ )§/, why: "cites a section (§) of a file outside the repo" },
  { pattern: /\bvane\b/i, why: "names a third-party client instead of an evidence tag" },
];

/** The reasons `text` cites something outside the repo; empty when it cites nothing outside. */
function outsideCitations(text: string): string[] {
  return OUTSIDE_CITATIONS.filter(({ pattern }) => pattern.test(text)).map(({ why }) => why);
}

/** Every comment of a TypeScript source, found by the compiler's parser, so strings and regexes are not read. */
function commentsOf(fileName: string, source: string): { line: number; text: string }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const seen = new Map<number, { line: number; text: string }>();
  const collect = (ranges: readonly ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      const line = file.getLineAndCharacterOfPosition(range.pos).line + 1;
      seen.set(range.pos, { line, text: source.slice(range.pos, range.end) });
    }
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(source, node.pos));
    collect(ts.getTrailingCommentRanges(source, node.end));
    ts.forEachChild(node, visit);
  };
  visit(file);
  collect(ts.getLeadingCommentRanges(source, file.endOfFileToken.pos));
  return [...seen.values()].sort((a, b) => a.line - b.line);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** "src/x.ts:12: cites a section … | // the comment's first line" for every offending comment. */
function offendingComments(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const source = readFileSync(path.join(ROOT, file), "utf8");
    // Parsing is the slow part: a file whose whole text matches no pattern has no offending comment either.
    if (outsideCitations(source).length === 0) continue;
    for (const comment of commentsOf(file, source)) {
      for (const why of outsideCitations(comment.text)) found.push(`${file}:${comment.line}: ${why}`);
    }
  }
  return found;
}

describe("the outside-citation rule", () => {
  it("flags sections and file names of the reference, and a third-party client's name", () => {
    for (const text of [
      "// (observed by vane; tikhub-api.md §2)",
      "/** profile (userid, fans) [I §4.3]. */",
      "/** An image note (guide §1). */",
      "/** A user with public favourites (§3.2). */",
      "// shape per xhs-shapes.md",
      "// bursts got 429 [I: reference §3.1]",
      "/* snippets of tikhub-xhs-usage-guide.txt */",
    ]) {
      expect(outsideCitations(text), text).not.toEqual([]);
    }
  });

  it("lets anchors in the repo, evidence tags and RFC sections through", () => {
    for (const text of [
      "/** TikHub bills a wrong id like a good one (docs/reference-notes.md#billing). */",
      "// 1 request/s [I], docs/reference-notes.md#web-v3-note-detail-1-reqs",
      "/** An HTTP-date in any of its three forms (RFC 9110 §5.6.7). */",
      "/** [D names, U shape] (docs/reference-notes.md#series-shapes) */",
      "// The usage guide documents has_more for App V1 user notes.",
    ]) {
      expect(outsideCitations(text), text).toEqual([]);
    }
  });

  it("reads comments only: the same words in a string or a regex are not a citation", () => {
    const source = [
      'const name = "tikhub-api.md §10";',
      "const re = /https?:\\/\\/[^/]+\\/§/;",
      "const t = `per vane`; // a trailing comment (xhs-shapes.md §3)",
      "/** A leading comment (§4.2). */",
      "export const x = 1;",
      "// the file's last comment [I §4.4]",
    ].join("\n");
    const comments = commentsOf("sample.ts", source);
    expect(comments.map((c) => c.line)).toEqual([3, 4, 6]);
    expect(comments.flatMap((c) => outsideCitations(c.text))).toHaveLength(4);
  });
});

describe("comments cite only what is in the repo", () => {
  it("no comment in src/ cites a file or a section outside the repo", () => {
    expect(offendingComments(tsFilesUnder("src"))).toEqual([]);
  });

  it("no comment in test/ does either (data paths in code are fine)", () => {
    expect(offendingComments(tsFilesUnder("test"))).toEqual([]);
  });

  it("every anchor of docs/reference-notes.md cited in src/ or test/ is a heading of that page", () => {
    const notes = readFileSync(path.join(ROOT, "docs/reference-notes.md"), "utf8");
    const anchors = new Set([...notes.matchAll(/^#+ (.+)$/gm)].map((m) => githubAnchor(m[1] as string)));
    const missing = [...tsFilesUnder("src"), ...tsFilesUnder("test")].flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      return [...text.matchAll(/docs\/reference-notes\.md#([\w-]+)/g)]
        .map((m) => m[1] as string)
        .filter((anchor) => !anchors.has(anchor))
        .map((anchor) => `${file}: #${anchor}`);
    });
    expect(anchors.has("web-v3-note-detail-1-reqs")).toBe(true);
    expect(missing).toEqual([]);
  });

  it("no page of docs/ and no README does either", () => {
    const pages = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((name) => name.endsWith(".md"))];
    const found = pages.flatMap((page) => {
      const file = page === "README.md" ? page : `docs/${page}`;
      const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
      return lines.flatMap((line, at) => outsideCitations(line).map((why) => `${file}:${at + 1}: ${why}`));
    });
    expect(found).toEqual([]);
  });
});
