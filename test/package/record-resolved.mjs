// Loader hooks for test/package/entry.test.ts (registered with module.register): append every URL the ESM
// loader resolves to a file, one a line. Hooks run off the main thread, so a file is how the list gets back;
// each line is written before its import settles, so the list is complete once `await import()` returns.
import { appendFileSync } from "node:fs";

let logFile = "";

export function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(logFile, `${result.url}\n`);
  return result;
}
