/** Types of stryker.config.mjs, for scripts/mutate.ts. */
export declare const TESTS: Record<string, string[]>;
export declare const MODULES: string[];
export declare const GOAL: number;
declare const config: Record<string, unknown>;
export default config;
/root/.pyenv/libexec/pyenv-hooks: line 24: enable: cannot open shared object /root/.pyenv/libexec/pyenv-realpath.dylib: /root/.pyenv/libexec/pyenv-realpath.dylib: cannot open shared object file: No such file or directory
