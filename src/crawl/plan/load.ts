/** Reading a plan file from disk: YAML, or JSON when the name ends in .json. */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { normalizePlan } from "./normalize.js";
import { PlanError } from "./problems.js";
import type { CrawlPlan } from "./types.js";
import { normalizeWatchPlan, type WatchPlan } from "./watch.js";

/** Reads and validates a plan file (YAML, or JSON when the name ends in .json). */
export function loadPlanFile(path: string): CrawlPlan {
  return normalizePlan(readPlanData(path), path);
}

/** Reads and validates a plan file with a `watch:` section (its `seeds` may be left out). */
export function loadWatchPlanFile(path: string): WatchPlan {
  return normalizeWatchPlan(readPlanData(path), path);
}

function readPlanData(path: string): object {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanError(`${path}: cannot read the plan file (${code ?? String(error)})`);
  }
  let data: unknown;
  if (path.toLowerCase().endsWith(".json")) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new PlanError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    try {
      data = parseYaml(text, { prettyErrors: true });
    } catch (error) {
      const first = ((error as Error).message.split("\n")[0] ?? "").trim();
      throw new PlanError(`${path}: not valid YAML: ${first}`);
    }
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new PlanError(`${path}: expected a mapping with at least "seeds" at the top`);
  }
  return data;
}
