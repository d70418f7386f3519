/**
 * Runs `xhs` from the TypeScript sources: `node --import tsx src/cli/main-entry.ts note <id>`.
 * (The installed `bin/xhs.js` does the same over the compiled `dist/`.)
 */
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
