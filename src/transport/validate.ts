/**
 * Local parameter validation against the catalogue, before any paid call.
 *
 * TikHub silently ignores a bad enum value (and answers, and bills, with its default); xhs-kit says it
 * is wrong instead. Unknown parameter names are rejected too: a typo would otherwise be dropped quietly.
 */
import type { EndpointSpec, ParamSpec } from "../catalog/types.js";
import { InvalidInputError } from "../core/errors.js";
import { formatProblem } from "../refs/ids.js";

export type ParamValue = string | number | boolean | null | undefined;

const INTEGER = /^-?\d+$/;

function describeAllowed(spec: ParamSpec): string {
  return (spec.enum ?? []).map((v) => JSON.stringify(String(v))).join(", ");
}

/**
 * Checks `params` against the endpoint's entry and returns the string-valued parameters to send.
 *
 * - `undefined`, `null` and `""` mean "not given" and are not sent (TikHub's default applies).
 * - Defaults are not added: TikHub applies them itself, and the request stays as the caller wrote it.
 * - Required parameters and one-of groups (e.g. `note_id` | `share_text`) must be given.
 * - Integers: a safe integer or a string of digits; `max` enforced. Enums: exact match (as strings).
 * - Ids and tokens (`format`): exactly of their kind (src/refs/ids.ts); TikHub bills a wrong id like a good one.
 * - Endpoints that need an xsec_token (Web V3 note detail, comments, replies) require `xsec_token`:
 *   TikHub answers 400/422 without it, so the call would be wasted.
 *
 * @throws InvalidInputError naming the parameter and, for enums, the allowed values.
 */
export function validateParams(
  spec: EndpointSpec,
  params: Readonly<Record<string, ParamValue>>,
): Record<string, string> {
  const context = { endpoint: spec.name, series: spec.series };
  const fail = (message: string): never => {
    throw new InvalidInputError(`${spec.name}: ${message}`, context);
  };
  const byName = new Map(spec.params.map((p) => [p.name, p]));
  const out: Record<string, string> = {};

  for (const [name, value] of Object.entries(params)) {
    const param = byName.get(name);
    if (!param) {
      fail(`unknown parameter "${name}"; this endpoint takes ${spec.params.map((p) => p.name).join(", ")}`);
      continue;
    }
    if (value === undefined || value === null || value === "") continue;
    if (typeof value === "boolean" || (typeof value === "number" && !Number.isFinite(value))) {
      fail(`parameter "${name}" must be ${param.type === "integer" ? "an integer" : "a string"}, got ${String(value)}`);
    }
    const text = String(value);
    if (param.type === "integer") {
      const ok = typeof value === "number" ? Number.isSafeInteger(value) : INTEGER.test(text.trim());
      if (!ok) fail(`parameter "${name}" must be an integer, got ${JSON.stringify(text)}`);
      if (param.max !== undefined && Number(text) > param.max) {
        fail(`parameter "${name}" must be at most ${param.max}, got ${text}`);
      }
    }
    const normalized = param.type === "integer" ? String(Number(text.trim())) : text;
    if (param.enum && !param.enum.map(String).includes(normalized)) {
      fail(`parameter "${name}" must be one of ${describeAllowed(param)}; got ${JSON.stringify(text)}`);
    }
    if (param.maxLength !== undefined && text.length > param.maxLength) {
      fail(`parameter "${name}" is too long: ${text.length} characters, at most ${param.maxLength}`);
    }
    if (param.format) {
      const problem = formatProblem(param.format, normalized);
      if (problem) fail(`parameter "${name}": ${problem}`);
    }
    out[name] = normalized;
  }

  for (const param of spec.params) {
    if (param.required && out[param.name] === undefined) fail(`missing required parameter "${param.name}"`);
  }
  for (const group of spec.oneOf ?? []) {
    if (!group.some((name) => out[name] !== undefined)) fail(`give one of ${group.map((n) => `"${n}"`).join(" or ")}`);
  }
  if (spec.needsXsecToken && out["xsec_token"] === undefined) {
    fail(`missing "xsec_token": this endpoint needs the note's xsec_token (from a share link or a list result)`);
  }
  return out;
}
