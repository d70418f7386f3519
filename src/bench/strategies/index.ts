/** The strategies the benchmark compares, by name. */
import { createGuideStrategy } from "./guide.js";
import { createRetryOnlyStrategy } from "./retry-only.js";
import type { StrategyFactory, StrategyName } from "./types.js";
import { createXhsKitStrategy, createXhsKitWebFirstStrategy } from "./xhs-kit.js";

export const STRATEGIES: Readonly<Record<StrategyName, StrategyFactory>> = {
  guide: (env) => createGuideStrategy(env),
  "retry-only": createRetryOnlyStrategy,
  "xhs-kit": createXhsKitStrategy,
  "xhs-kit-web-first": createXhsKitWebFirstStrategy,
};

export { createGuideStrategy, GUIDE_OVERALL_TIMEOUT_MS, guideCalls } from "./guide.js";
export { createRetryOnlyStrategy, RETRY_ONLY } from "./retry-only.js";
export * from "./types.js";
export { createXhsKitStrategy, createXhsKitWebFirstStrategy } from "./xhs-kit.js";
