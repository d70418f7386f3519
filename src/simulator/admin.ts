/**
 * Admin routes under a prefix the real API does not have (`/__sim/`), for tests, demos and benchmarks:
 *
 *   GET  /__sim/health        liveness plus the rate limits in force (per key, and per endpoint per key),
 *                             budget and profile name
 *   GET  /__sim/ledger        calls, billable calls and cost per key (short hash) and endpoint
 *   POST /__sim/ledger/reset  empties the ledger
 *   GET  /__sim/faults        the current fault profile
 *   PUT  /__sim/faults        replaces it: a JSON profile, or a JSON string naming a built-in profile
 *                             ("mild"); never a file (validated; 400 with every problem listed)
 *   POST /__sim/reset         attempt and outage counters, rate buckets and the ledger: a run repeats exactly
 */
import { FaultProfileError, profileByValueOrName } from "./fault-profile.js";
import type { SimulatorService } from "./service.js";

export const ADMIN_PREFIX = "/__sim/";

export interface AdminAnswer {
  status: number;
  body: unknown;
}

export function handleAdmin(
  service: SimulatorService<unknown>,
  method: string,
  path: string,
  body: string | undefined,
): AdminAnswer {
  const route = `${method.toUpperCase()} ${path.replace(/\/+$/, "")}`;
  switch (route) {
    case "GET /__sim/health":
      return {
        status: 200,
        body: {
          ok: true,
          seed: service.faults.seed,
          profile: service.profile.name ?? null,
          rateLimit: service.rateLimit,
          budget: service.budget ?? null,
          uptimeMs: service.now() - service.startedAt,
        },
      };
    case "GET /__sim/ledger":
      return { status: 200, body: service.ledger.snapshot() };
    case "POST /__sim/ledger/reset":
      service.ledger.reset();
      return { status: 200, body: { ok: true } };
    case "GET /__sim/faults":
      return { status: 200, body: service.profile };
    case "PUT /__sim/faults": {
      let input: unknown;
      try {
        input = JSON.parse(body ?? "");
      } catch {
        return {
          status: 400,
          body: { error: 'The body must be a JSON fault profile, or a JSON string naming a built-in one ("mild").' },
        };
      }
      try {
        // By value or built-in name only: a path in a request must never reach the file system.
        return { status: 200, body: service.setProfile(profileByValueOrName(input)) };
      } catch (error) {
        if (error instanceof FaultProfileError) {
          return { status: 400, body: { error: "Invalid fault profile.", issues: error.issues } };
        }
        throw error;
      }
    }
    case "POST /__sim/reset":
      service.reset();
      return { status: 200, body: { ok: true } };
    default: {
      const known = ["GET health", "GET ledger", "POST ledger/reset", "GET faults", "PUT faults", "POST reset"];
      return {
        status: 404,
        body: { error: `No admin route ${route}.`, routes: known.map((r) => r.replace(" ", ` ${ADMIN_PREFIX}`)) },
      };
    }
  }
}
