/**
 * One error root (docs/architecture.md, the `core` row): every error class in src/ descends from XhsError,
 * so a caller can catch the library's errors with one `isXhsError`. A new class that extends `Error` (or
 * anything not under XhsError) fails here. The second half pins what the classes brought under the root
 * must keep doing: the CLI's messages and exit codes, the server's problems, the store's open errors.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { describeError, UsageError } from "../../src/cli/errors.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { OutputClosedError } from "../../src/cli/output-file.js";
import { isXhsError, XhsError } from "../../src/core/errors.js";
import { CrawlSetupError } from "../../src/crawl/engine/open-run.js";
import { PlanError } from "../../src/crawl/plan/problems.js";
import { UnsafeBindError } from "../../src/server/security.js";
import { PROBLEM_TYPES, problem, problemFor } from "../../src/service/problem.js";
import { FaultProfileError } from "../../src/simulator/fault-profile.js";
import { LeaseLostError, StoreOpenError } from "../../src/store/errors.js";
import { SchemaTooNewError } from "../../src/store/sqlite/migrations.js";
import { openError } from "../../src/store/sqlite/open.js";

const SRC = join(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

interface DeclaredClass {
  file: string;
  name: string;
  base: string;
  exported: boolean;
}

/** Every class of src/ that is an error by its name (…Error, …Problem) or by what it extends (…Error, Error). */
function errorClasses(): DeclaredClass[] {
  const found: DeclaredClass[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^(export )?class (\w+) extends ([\w.]+)/gm)) {
      const [, exported, name, base] = match as unknown as [string, string | undefined, string, string];
      if (/(Error|Problem)$/.test(name) || /Error$/.test(base)) {
        found.push({ file: relative(SRC, file), name, base, exported: exported !== undefined });
      }
    }
  }
  return found;
}

describe("one error root", () => {
  const classes = errorClasses();

  it("finds the error classes of src/ (the scan itself works)", () => {
    const names = classes.map((c) => c.name);
    for (const known of ["XhsError", "UsageError", "LeaseLostError", "ServerProblem", "SchemaTooNewError"]) {
      expect(names).toContain(known);
    }
  });

  it("extends Error only in XhsError itself", () => {
    const direct = classes.filter((c) => c.base === "Error").map((c) => `${c.file}: ${c.name}`);
    expect(direct).toEqual(["core/errors.ts: XhsError"]);
  });

  it("exports every error class, so it can be checked and caught", () => {
    expect(classes.filter((c) => !c.exported).map((c) => `${c.file}: ${c.name}`)).toEqual([]);
  });

  it("puts every exported error class under XhsError", async () => {
    const rootless: string[] = [];
    for (const c of classes) {
      const module = (await import(pathToFileURL(join(SRC, c.file)).href)) as Record<string, unknown>;
      const ctor = module[c.name];
      expect(typeof ctor, `${c.file} exports ${c.name}`).toBe("function");
      const instance = Object.create((ctor as { prototype: object }).prototype) as unknown;
      if (!(instance instanceof XhsError)) rootless.push(`${c.file}: ${c.name}`);
    }
    expect(rootless).toEqual([]);
  });
});

describe("the classes brought under the root keep their behaviour", () => {
  it("keeps each one's name and message, with the kind its callers expect", () => {
    const cases: [XhsError, string, string][] = [
      [new UsageError("bad flag"), "UsageError", "invalid_input"],
      [new PlanError("plan.yaml: seeds: missing"), "PlanError", "invalid_input"],
      [new CrawlSetupError("no plan"), "CrawlSetupError", "invalid_input"],
      [new FaultProfileError(["rate: must be ≥ 0"]), "FaultProfileError", "invalid_input"],
      [new UnsafeBindError("refusing to listen"), "UnsafeBindError", "invalid_input"],
      [new SchemaTooNewError(99, 3, "/tmp/x.db"), "SchemaTooNewError", "invalid_input"],
      [new LeaseLostError("job-1", "lease lost"), "LeaseLostError", "aborted"],
      [new OutputClosedError("out: the reader closed the pipe"), "OutputClosedError", "aborted"],
    ];
    for (const [error, name, kind] of cases) {
      expect(isXhsError(error)).toBe(true);
      expect(error.name).toBe(name);
      expect(error.kind).toBe(kind);
    }
    expect(new FaultProfileError(["a", "b"], "x.json").message).toBe("Invalid fault profile (x.json):\n  a\n  b");
    expect(new LeaseLostError("job-1", "lease lost").jobId).toBe("job-1");
    expect(new SchemaTooNewError(99, 3, "/tmp/x.db")).toBeInstanceOf(StoreOpenError);
  });

  it("prints a usage error as before: its message alone, exit 2", () => {
    expect(describeError(new UsageError("--limit must be a number"))).toEqual({
      message: "error: --limit must be a number",
      exitCode: EXIT.usage,
    });
  });

  it("still describes a lost lease that escapes a crawl as a bug (exit 1), not as an interruption", () => {
    const described = describeError(new LeaseLostError("job-1", "the lease of job-1 is gone"));
    expect(described.exitCode).toBe(EXIT.internal);
    expect(described.message).toBe(
      "error: the lease of job-1 is gone\nThis looks like a bug in xhs-kit; run again with --verbose and report the output.",
    );
  });

  it("adds the path to a too-new schema exactly once, as before", () => {
    const opened = openError(new SchemaTooNewError(99, 3, "db.sqlite"), "db.sqlite");
    expect(opened).toBeInstanceOf(StoreOpenError);
    expect(opened.message).toBe(
      "Cannot open db.sqlite: the database has schema version 99, newer than this xhs-kit knows (3): upgrade xhs-kit",
    );
    expect(opened.kind).toBe("invalid_input");
  });

  it("answers a server problem with its own body whatever its kind", () => {
    const cases = [
      problem(PROBLEM_TYPES.unauthorized, 401, "Unauthorized", "send the token"),
      problem(PROBLEM_TYPES.rateLimited, 429, "Too many requests", "slow down", { retryAfterSec: 3 }),
      problem(PROBLEM_TYPES.spendingCap, 503, "Daily spending cap reached", "spent", { retryAfterSec: 60 }),
      problem(PROBLEM_TYPES.notFound, 404, "Not found", "no such note"),
    ];
    for (const thrown of cases) {
      expect(isXhsError(thrown)).toBe(true);
      expect(thrown.name).toBe("ServerProblem");
      expect(thrown.message).toBe(thrown.body.detail);
      expect(thrown.httpStatus).toBeUndefined();
      expect(problemFor(thrown)).toBe(thrown.body);
    }
    expect(cases.map((c) => c.kind)).toEqual(["auth", "rate_limited", "budget", "not_found"]);
  });
});
