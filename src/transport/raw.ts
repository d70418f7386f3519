/**
 * Raw calls: the exact TikHub answer for any catalogue endpoint, for users who want TikHub's own JSON.
 * Parameters are validated locally first; one series, retries on transient failures, no failover.
 * A 200 whose inner payload failed is returned as it is (it is TikHub's exact answer, and it was billed).
 */
import { findEndpoint } from "../catalog/endpoints.js";
import type { EndpointSpec } from "../catalog/types.js";
import { InvalidInputError } from "../core/errors.js";
import type { ExecuteContext, Interpret } from "./transport.js";
import type { ParamValue } from "./validate.js";

/** An endpoint's answer as TikHub sent it (the `raw` escape hatch). */
export interface RawResult {
  endpoint: string;
  httpStatus: number;
  body: unknown;
  requestId: string | null;
}

type Execute = <T>(
  spec: EndpointSpec,
  params: Readonly<Record<string, ParamValue>>,
  interpret: Interpret<T>,
  ctx: ExecuteContext,
) => Promise<T>;

export async function rawCall(
  execute: Execute,
  endpointName: string,
  params: Readonly<Record<string, ParamValue>>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<RawResult> {
  const spec = findEndpoint(endpointName);
  if (!spec) {
    throw new InvalidInputError(
      `unknown endpoint ${JSON.stringify(endpointName)}; use a catalogue name such as app_v2/get_image_note_detail`,
    );
  }
  return execute(
    spec,
    params,
    (body, meta) => ({ endpoint: spec.name, httpStatus: meta.httpStatus, body, requestId: meta.requestId ?? null }),
    { signal: options.signal, capability: "raw", failover: false },
  );
}
