/**
 * From an HTTP request to a capability's input: path parameters plus query parameters, typed from the
 * capability's own schema (a query string is text; `limit=5` becomes 5, `replies=true` becomes true).
 * Unknown and repeated parameters are refused, so a typo (`?keyword=`) never silently widens a paid call.
 */
import { z } from "zod";
import { type CapabilityDef, pathParams } from "../service/operations.js";
import { PROBLEM_TYPES, problem } from "../service/problem.js";

/** HTTP-only query parameters, handled by the server rather than the capability. */
export const SERVER_QUERY_PARAMS = ["fresh"] as const;

type FieldType = "string" | "integer" | "number" | "boolean";

const fieldTypes = new WeakMap<CapabilityDef, Map<string, FieldType>>();

/** Each input field's JSON type, from the capability's schema (computed once per capability). */
export function inputFieldTypes(cap: CapabilityDef): Map<string, FieldType> {
  let types = fieldTypes.get(cap);
  if (types) return types;
  const schema = z.toJSONSchema(cap.input, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, { type?: string }>;
  };
  types = new Map();
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const t = prop.type;
    types.set(name, t === "integer" || t === "number" || t === "boolean" ? t : "string");
  }
  fieldTypes.set(cap, types);
  return types;
}

function coerce(value: string, type: FieldType): unknown {
  switch (type) {
    case "boolean":
      if (value === "" || value === "true" || value === "1") return true;
      if (value === "false" || value === "0") return false;
      return value; // the schema reports "expected boolean"
    case "integer":
    case "number":
      return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    default:
      return value;
  }
}

export function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "false" || value === "0") return false;
  if (value === "" || value === "true" || value === "1") return true;
  throw problem(
    PROBLEM_TYPES.invalidInput,
    400,
    "Invalid input",
    `${name} must be true or false, got ${JSON.stringify(value)}.`,
    {
      errors: [{ field: name, message: "expected true or false" }],
    },
  );
}

/** The capability's raw input from path parameters and the query; schema validation comes after. */
export function inputFromRequest(
  cap: CapabilityDef,
  params: Record<string, string>,
  query: URLSearchParams,
): Record<string, unknown> {
  const types = inputFieldTypes(cap);
  const input: Record<string, unknown> = {};
  const fromPath = new Set(pathParams(cap));
  for (const name of fromPath) {
    const value = params[name];
    if (value !== undefined) input[name] = value;
  }
  const seen = new Set<string>();
  for (const [name, value] of query) {
    // Repeats are refused for every parameter, the server's own (`fresh`) included.
    if (seen.has(name)) {
      throw problem(
        PROBLEM_TYPES.invalidInput,
        400,
        "Invalid input",
        `Query parameter "${name}" is given twice: give it once.`,
        {
          errors: [{ field: name, message: "repeated parameter" }],
        },
      );
    }
    seen.add(name);
    if ((SERVER_QUERY_PARAMS as readonly string[]).includes(name)) continue;
    const known = types.has(name) && !fromPath.has(name);
    if (!known) {
      const allowed = [...types.keys()].filter((k) => !fromPath.has(k)).concat(SERVER_QUERY_PARAMS);
      throw problem(
        PROBLEM_TYPES.invalidInput,
        400,
        "Invalid input",
        `Unknown query parameter "${name}". This route takes: ${allowed.join(", ") || "no query parameters"}.`,
        { errors: [{ field: name, message: "unknown parameter" }] },
      );
    }
    input[name] = coerce(value, types.get(name)!);
  }
  return input;
}
