/**
 * The layer rules of docs/architecture.md, enforced: every relative import in src/ (static, dynamic and
 * type-only) must go to a folder its layer's row allows, the table's rows may only name rows above them
 * (so layers cannot form a cycle), every folder of src/ has a row, and no two sibling sub-folders import each
 * other. The table is read from the doc itself, so the doc and the rule cannot drift apart.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const SRC = path.join(ROOT, "src");

interface Layer {
  name: string;
  mayImport: string[];
}

/** The rows between the layers markers of docs/architecture.md. */
function readLayers(markdown: string): Layer[] {
  const block = markdown.split("<!-- layers:begin -->")[1]?.split("<!-- layers:end -->")[0];
  if (block === undefined) throw new Error("docs/architecture.md has no layers table");
  const rows = block
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split("|").map((cell) => cell.trim()));
  return rows.map((cells) => ({
    name: (cells[1] as string).replaceAll("`", ""),
    mayImport: (cells[2] as string)
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  }));
}

/** "client" for src/client/…, "index.ts" for src/index.ts. */
function layerOf(relativeToSrc: string): string {
  const [first] = relativeToSrc.split("/");
  return first as string;
}

/** Relative module specifiers of one file, static, dynamic and type-only. */
function importsOf(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((file) => file.fileName)
    .filter((name) => name.startsWith("."));
}

interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** Every import of `files` (path relative to src → source text) that the layers do not allow. */
function layerViolations(files: Map<string, string>, layers: Layer[]): Violation[] {
  const allowed = new Map(layers.map((layer) => [layer.name, new Set(layer.mayImport)]));
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    for (const specifier of importsOf(text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      if (target.startsWith("..")) {
        out.push({ file, imports: specifier, rule: "imports from outside src/" });
        continue;
      }
      const to = layerOf(target);
      if (to === from) continue;
      const may = allowed.get(from);
      if (may === undefined) out.push({ file, imports: specifier, rule: `${from} has no row in the layers table` });
      else if (!may.has(to)) out.push({ file, imports: specifier, rule: `${from} may not import ${to}` });
    }
  }
  return out;
}

/**
 * Groups of sibling folders (same parent, at any depth) whose imports go round in a circle (a -> b -> a, or
 * longer), each as its folders sorted and joined by " <-> ". A parent importing its own sub-folder is no edge.
 */
function siblingCycles(files: Map<string, string>): string[] {
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    for (const specifier of importsOf(text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const a = path.posix.dirname(file).split("/");
      const b = path.posix.dirname(target).split("/");
      // The first folders where the two paths part.
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      if (i >= a.length || i >= b.length) continue;
      const from = a.slice(0, i + 1).join("/");
      const to = b.slice(0, i + 1).join("/");
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
      if (!graph.has(to)) graph.set(to, new Set());
    }
  }
  // Tarjan's strongly connected components: a component of two or more folders is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort().join(" <-> "));
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles.sort();
}

function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts"))
        files.set(path.relative(SRC, full).split(path.sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(SRC);
  return files;
}

const LAYERS = readLayers(readFileSync(path.join(ROOT, "docs/architecture.md"), "utf8"));

describe("architecture (docs/architecture.md)", () => {
  it("the layers table lists each folder once, and a row only names rows above it", () => {
    const names = LAYERS.map((layer) => layer.name);
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
    LAYERS.forEach((layer, row) => {
      for (const target of layer.mayImport) {
        expect(names.slice(0, row), `${layer.name} may import ${target}, which is not above it`).toContain(target);
      }
    });
  });

  it("every folder and top-level file of src/ has a row", () => {
    const top = new Set([...sourceFiles().keys()].map(layerOf));
    expect([...top].filter((name) => !LAYERS.some((layer) => layer.name === name))).toEqual([]);
  });

  it("every import in src/ goes where its layer's row allows", () => {
    expect(layerViolations(sourceFiles(), LAYERS)).toEqual([]);
  });

  it("no two sibling folders import each other", () => {
    expect(siblingCycles(sourceFiles())).toEqual([]);
  });

  it("the checks catch an upward import, a type-only one, a dynamic one and a sibling cycle", () => {
    const files = new Map([
      ["transport/http.ts", 'import { createClient } from "../client/create-client.js";'],
      ["store/port.ts", 'import type { XhsClient } from "../client/types.js";'],
      ["model/types.ts", 'const lazy = () => import("../server/index.js");'],
      ["core/clock.ts", 'import { Ledger } from "../transport/ledger.js";'],
      ["client/lists.ts", 'import { x } from "../../outside.js";'],
      ["failover/router.ts", 'import { SERIES } from "../core/vocabulary.js";'],
    ]);
    expect(layerViolations(files, LAYERS).map((v) => v.rule)).toEqual([
      "transport may not import client",
      "store may not import client",
      "model may not import server",
      "core may not import transport",
      "imports from outside src/",
    ]);
    const siblings = new Map([
      ["simulator/render/a.ts", 'import { w } from "../world/w.js";'],
      ["simulator/world/w.ts", 'import { a } from "../render/a.js";'],
      ["simulator/index.ts", 'import { a } from "./render/a.js";'],
    ]);
    expect(siblingCycles(siblings)).toEqual(["simulator/render <-> simulator/world"]);
    const threeWay = new Map([
      ["series/app_v2/a.ts", 'import { b } from "../web_v3/b.js";'],
      ["series/web_v3/b.ts", 'import { c } from "../app_v1/c.js";'],
      ["series/app_v1/c.ts", 'import { a } from "../app_v2/a.js";'],
      ["series/shared/d.ts", 'import { a } from "../app_v2/a.js";'],
    ]);
    expect(siblingCycles(threeWay)).toEqual(["series/app_v1 <-> series/app_v2 <-> series/web_v3"]);
  });

  it("client/ and failover/ name no series and no endpoint", async () => {
    // Each series owns how its requests are built and what its answers mean (src/series/<series>/): the layers
    // above ask it, so a series name or an endpoint name in their code (comments aside) is knowledge out of place.
    const { ENDPOINTS } = await import("../src/catalog/endpoints.js");
    const { SERIES } = await import("../src/core/vocabulary.js");
    const names = [...SERIES, ...ENDPOINTS.map((e) => e.name), ...ENDPOINTS.map((e) => e.name.split("/").pop()!)];
    const named = new RegExp(
      `\\b(${[...new Set(names)].map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})\\b`,
    );
    /** Each string, template piece, identifier and regex in `text` that holds a name (comments are not nodes). */
    const hitsIn = (file: string, text: string): string[] => {
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const hits: string[] = [];
      const visit = (node: ts.Node): void => {
        const piece =
          ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isIdentifier(node)
            ? node.text
            : ts.isRegularExpressionLiteral(node)
              ? node.text
              : null;
        const match = piece === null ? null : named.exec(piece);
        if (match) {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          hits.push(`${file}:${line} ${match[1]}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      return hits;
    };
    const sample = [
      "// app_v2 in a comment, /* web_v3 */ too",
      'const a = "app_v1";',
      "const b = { web_v3: 1 };",
      "const c = `x \u0024{a} app/get_note_info`;",
      'const d = a === "get_user_info";',
    ].join("\n");
    expect(hitsIn("sample.ts", sample)).toEqual([
      "sample.ts:2 app_v1",
      "sample.ts:3 web_v3",
      "sample.ts:4 app/get_note_info",
      "sample.ts:5 get_user_info",
    ]);
    const hits = [...sourceFiles()]
      .filter(([file]) => file.startsWith("client/") || file.startsWith("failover/"))
      .flatMap(([file, text]) => hitsIn(file, text));
    expect(hits).toEqual([]);
  });
});
