/**
 * The catalogue against TikHub's OpenAPI subset (kept outside the repo, see test/support/reference.ts): every
 * parameter the subset documents is in the catalogue with the same type, required flag and default. Where
 * the usage guide adds to or disagrees with the subset, the guide wins; those places are listed here and in
 * docs/reference-conflicts.md, so a new difference fails this test until it is decided and recorded.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "../../src/catalog/endpoints.js";
import { referencePath } from "../support/reference.js";

const specPath = referencePath("tikhub-openapi-xhs.json");
const haveSpec = existsSync(specPath);

/** Parameters the guide adds that the subset does not list (docs/reference-conflicts.md). */
const GUIDE_ONLY_PARAMS: Record<string, string[]> = {
  "web_v3/fetch_note_comments": ["xsec_token"],
  "web_v3/fetch_sub_comments": ["xsec_token"],
};
/** Endpoints the guide documents and the subset does not (docs/reference-conflicts.md). */
const GUIDE_ONLY_ENDPOINTS = ["app/get_topic_notes"];

interface SpecParam {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; default?: unknown };
}

describe.skipIf(!haveSpec)("the catalogue agrees with TikHub's OpenAPI subset", () => {
  const spec = haveSpec
    ? (JSON.parse(readFileSync(specPath, "utf8")) as { paths: Record<string, { get?: { parameters?: SpecParam[] } }> })
    : { paths: {} };

  for (const entry of ENDPOINTS) {
    it(entry.name, () => {
      const operation = spec.paths[entry.path]?.get;
      if (GUIDE_ONLY_ENDPOINTS.includes(entry.name)) {
        expect(operation).toBeUndefined();
        return;
      }
      expect(operation, `${entry.path} is in the OpenAPI subset`).toBeDefined();
      const documented = (operation?.parameters ?? []).filter((p) => p.in === "query");
      for (const param of documented) {
        const ours = entry.params.find((p) => p.name === param.name);
        expect(ours, `${entry.name}: parameter ${param.name}`).toBeDefined();
        expect(ours?.type, `${entry.name}: type of ${param.name}`).toBe(param.schema?.type);
        expect(ours?.required, `${entry.name}: required ${param.name}`).toBe(param.required === true);
        if (param.schema?.default !== undefined) {
          expect(ours?.default, `${entry.name}: default of ${param.name}`).toBe(param.schema.default);
        }
      }
      const extra = entry.params.map((p) => p.name).filter((name) => !documented.some((p) => p.name === name));
      expect(extra, `${entry.name}: parameters not in the subset`).toEqual(GUIDE_ONLY_PARAMS[entry.name] ?? []);
    });
  }
});
