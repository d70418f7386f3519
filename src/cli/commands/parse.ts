/**
 * `xhs parse <endpoint> [file|-] [--id ID]`: prints the normalized result of a saved raw TikHub answer as
 * JSON (`{"endpoint", "items", "hasMore", "cursor"}`) on stdout. No network, no key.
 *
 * Exit codes: 0 ok; 2 unknown endpoint, unreadable file or invalid JSON; 5 the answer says not found;
 * 7 inner failure, empty detail payload, wrong note (items printed empty) or unknown answer shape.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "@commander-js/extra-typings";
import { findEndpoint } from "../../catalog/endpoints.js";
import { isXhsError, WrongItemError } from "../../core/errors.js";
import { normalize } from "../../series/normalize.js";
import { contextOf } from "../context.js";
import { EXIT, exitCodeFor } from "../exit-codes.js";

export interface ParseIo {
  readStdin: () => string;
  readFile: (path: string) => string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the command; returns the exit code. Separate from commander so tests can call it directly. */
export function runParse(endpointName: string, file: string | undefined, id: string | undefined, io: ParseIo): number {
  const spec = findEndpoint(endpointName.replace(/^\/?api\/v1\/xiaohongshu\//, ""));
  if (!spec) {
    io.stderr(
      `xhs parse: unknown endpoint "${endpointName}" (write it as in the catalogue, e.g. app_v2/get_image_note_detail)\n`,
    );
    return EXIT.usage;
  }
  let text: string;
  try {
    text = file === undefined || file === "-" ? io.readStdin() : io.readFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`xhs parse: cannot read ${file ?? "stdin"}: ${reason}\n`);
    return EXIT.usage;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`xhs parse: ${file ?? "stdin"} is not valid JSON: ${reason}\n`);
    return EXIT.usage;
  }
  try {
    const result = normalize(spec.name, raw, id === undefined ? {} : { id });
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!isXhsError(error)) throw error;
    if (error instanceof WrongItemError) {
      io.stdout(`${JSON.stringify({ endpoint: spec.name, items: [], hasMore: null, cursor: null }, null, 2)}\n`);
    }
    io.stderr(`xhs parse: ${error.message}\n`);
    return exitCodeFor(error.kind);
  }
}

export function register(program: Command): void {
  program
    .command("parse")
    .description("Print the normalized records of a saved raw TikHub answer (no network, no key).")
    .argument("<endpoint>", "endpoint as in the catalogue, e.g. app_v2/get_image_note_detail, app/get_note_comments")
    .argument("[file]", "the saved answer (JSON); - or nothing for stdin")
    .option(
      "--id <id>",
      "for detail endpoints: the id of the record wanted (default: the id the answer's params asked for)",
    )
    .action((endpointName, file, options, command) => {
      const ctx = contextOf(command);
      ctx.exitCode = runParse(endpointName, file, options.id, {
        readStdin: () => readFileSync(0, "utf8"),
        readFile: (name) => readFileSync(path.resolve(ctx.cwd, name), "utf8"),
        stdout: (text) => ctx.stdout.write(text),
        stderr: (text) => ctx.stderr.write(text),
      });
    });
}
