/** Types of stryker.config.mjs, for scripts/mutate.ts. */
export declare const TESTS: Record<string, string[]>;
export declare const MODULES: string[];
export declare const GOAL: number;
declare const config: Record<string, unknown>;
export default config;
