/**
 * `/openapi.json` (OpenAPI 3.1), generated from the capability registry's zod schemas and the model's
 * record schemas with zod 4's `z.toJSONSchema`: the document cannot drift from what the server checks.
 */
import { z } from "zod";
import {
  CAPABILITY_REGISTRY,
  type CapabilityDef,
  pathParams,
  RECORD_SCHEMAS,
  type RecordKind,
} from "../service/operations.js";
import { PROBLEM_TYPES } from "../service/problem.js";

const RECORD_NAMES: Record<RecordKind, string> = {
  note: "Note",
  user: "User",
  comment: "Comment",
  topic: "Topic",
  link: "ResolvedLink",
};

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete out["$schema"];
  return out;
}

/** `/v1/notes/:ref` → `/v1/notes/{ref}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}

const problemSchema: JsonSchema = {
  type: "object",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: {
      type: "string",
      enum: Object.values(PROBLEM_TYPES),
      description: "Stable problem identifier to switch on.",
    },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string", description: "What went wrong and what to do." },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } },
    },
    retryAfterSec: { type: "integer" },
    attempts: {
      type: "array",
      items: {
        type: "object",
        properties: { series: { type: ["string", "null"] }, kind: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

function listSchema(record: string): JsonSchema {
  return {
    type: "object",
    required: ["items", "cursor", "hasMore", "degraded", "degradedReasons"],
    properties: {
      items: { type: "array", items: { $ref: `#/components/schemas/${record}` } },
      cursor: {
        type: ["string", "null"],
        description: "Pass as `cursor` to continue after the last item; null when exhausted.",
      },
      hasMore: { type: "boolean" },
      degraded: { type: "boolean", description: "True when a filter could not be honoured (see degradedReasons)." },
      degradedReasons: { type: "array", items: { type: "string" } },
    },
  };
}

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

function operation(cap: CapabilityDef): JsonSchema {
  const input = jsonSchema(cap.input, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  const required = new Set(input.required ?? []);
  const inPath = new Set(pathParams(cap));
  const parameters: JsonSchema[] = Object.entries(input.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema as { description?: string };
    return {
      name,
      in: inPath.has(name) ? "path" : "query",
      required: inPath.has(name) || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
  parameters.push({
    name: "fresh",
    in: "query",
    required: false,
    description: "true: skip the cached answer and fetch again (a paid call).",
    schema: { type: "boolean" },
  });
  const record = RECORD_NAMES[cap.record];
  const okSchema =
    cap.kind === "get" ? { $ref: `#/components/schemas/${record}` } : { $ref: `#/components/schemas/${record}Page` };
  return {
    operationId: cap.name,
    summary: cap.title,
    description: cap.description,
    parameters,
    responses: {
      "200": {
        description: cap.kind === "get" ? `The ${cap.record}.` : `A page of ${cap.record}s.`,
        headers: {
          "X-Cache": {
            description: "HIT, MISS, COALESCED (joined an identical call in flight) or BYPASS (fresh=true).",
            schema: { type: "string" },
          },
          "Cache-Control": { description: "How long the answer stays fresh.", schema: { type: "string" } },
        },
        content: { "application/json": { schema: okSchema } },
      },
      "400": problemResponse("Invalid input (nothing was paid)."),
      "401": problemResponse("Missing or wrong Bearer token (when the server has one)."),
      "404": problemResponse("The item does not exist or was deleted."),
      "429": problemResponse("This client is over its rate limit; see Retry-After."),
      "502": problemResponse("Every upstream series failed."),
      "503": problemResponse("Upstream key or balance trouble, upstream rate limit, or the daily spending cap."),
      "504": problemResponse("Upstream timeout."),
    },
  };
}

export function buildOpenApi(options: { version: string; tokenRequired: boolean }): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  for (const cap of CAPABILITY_REGISTRY) paths[openApiPath(cap.http.path)] = { get: operation(cap) };
  paths["/health"] = {
    get: { operationId: "health", summary: "Liveness", responses: { "200": { description: "The server is up." } } },
  };
  paths["/metrics"] = {
    get: {
      operationId: "metrics",
      summary: "Prometheus metrics",
      responses: { "200": { description: "Prometheus text format 0.0.4." } },
    },
  };
  const schemas: Record<string, JsonSchema> = { Problem: problemSchema };
  for (const [kind, schema] of Object.entries(RECORD_SCHEMAS) as [RecordKind, z.ZodType][]) {
    schemas[RECORD_NAMES[kind]] = jsonSchema(schema, "output");
    schemas[`${RECORD_NAMES[kind]}Page`] = listSchema(RECORD_NAMES[kind]);
  }
  const doc: JsonSchema = {
    openapi: "3.1.0",
    info: {
      title: "xhs-kit HTTP API",
      version: options.version,
      description:
        "Normalized Xiaohongshu (RedNote) data through TikHub, with failover across series, a cache and a spending cap. Errors are application/problem+json.",
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "XHS_SERVER_TOKEN, when the server has one." },
      },
    },
  };
  if (options.tokenRequired) doc["security"] = [{ bearer: [] }];
  return doc;
}
