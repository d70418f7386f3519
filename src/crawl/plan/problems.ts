/**
 * A plan's problems as one message: one line per problem, "file: path: what is wrong", every problem at once.
 * Zod unions are reported by the branch whose type the value has, in words a plan's author uses. Kept apart
 * from core/issues.ts, whose dotted paths and zod messages would change every plan error (docs/decisions.md).
 */
import type { z } from "zod";
import { InvalidInputError } from "../../core/errors.js";

/** A plan that cannot be used: the message names the file, the path in it and what is allowed. */
export class PlanError extends InvalidInputError {}

/** At most this many problems are listed (a generated plan can have thousands of the same one). */
const MAX_PROBLEMS = 50;

export function formatProblems(source: string, problems: readonly string[]): string {
  const lines = problems.slice(0, MAX_PROBLEMS).map((problem) => `${source}: ${problem}`);
  if (problems.length > MAX_PROBLEMS) lines.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  return lines.join("\n");
}

/** One line per problem, "path: what is wrong", every problem of the plan at once. */
export function issueLines(error: z.ZodError, pathName: ((path: string) => string) | undefined): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    for (const { path, message } of leaves(issue, [])) {
      const where = path.length > 0 ? formatPath(path) : "(top level)";
      const line = `${pathName ? pathName(where) : where}: ${message}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  return lines;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/**
 * The issues to report for one zod issue. A union (a seed may be text or a mapping; `comments` may be
 * true/false or a mapping) reports the problems of the branch whose type the value has, e.g.
 * `comments.maxPerNote: expected a number` for `{maxPerNote: "lots"}`, not "expected boolean"; a value of
 * no branch's type gets one line naming every accepted type.
 */
function leaves(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const wrongType = (branch: z.core.$ZodIssue[]) =>
      branch.some((inner) => inner.code === "invalid_type" && inner.path.length === 0);
    const matching = issue.errors.find((branch) => branch.length > 0 && !wrongType(branch));
    if (matching) return matching.flatMap((inner) => leaves(inner, path));
    const roots = issue.errors.flat().filter((inner) => inner.code === "invalid_type" && inner.path.length === 0);
    const expected = [...new Set(roots.map((inner) => typeName((inner as { expected: string }).expected)))];
    return [{ path, message: `expected ${expected.join(" or ")}${got(roots[0]?.input)}` }];
  }
  return [{ path, message: describeIssue(issue) }];
}

function typeName(expected: string): string {
  switch (expected) {
    case "string":
      return "text";
    case "boolean":
      return "true or false";
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    default:
      return expected;
  }
}

function got(input: unknown): string {
  if (input === undefined) return "";
  if (typeof input === "string")
    return ` (got ${JSON.stringify(input.length > 40 ? `${input.slice(0, 37)}…` : input)})`;
  if (input === null || typeof input === "number" || typeof input === "boolean") return ` (got ${String(input)})`;
  return ` (got ${Array.isArray(input) ? "a list" : "a mapping"})`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got(issue.input)}`;
    case "invalid_type":
      if (issue.input === undefined && issue.path.length > 0) return `missing: expected ${typeName(issue.expected)}`;
      return `expected ${typeName(issue.expected)}${got(issue.input)}`;
    case "too_small":
      if (issue.origin === "number" && !issue.inclusive && Number(issue.minimum) === 0) {
        return `must be 1 or more${got(issue.input)}`;
      }
      return issue.origin === "number"
        ? `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}${got(issue.input)}`
        : issue.message;
    case "too_big":
      if (issue.origin === "number")
        return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}${got(issue.input)}`;
      if (issue.origin === "string") return `too long (more than ${String(issue.maximum)} characters)`;
      return issue.message;
    default:
      return issue.message;
  }
}
