// A key that cannot go into an Authorization header is an AuthError before anything is sent (fetch
// would refuse the header, and that used to be retried as a connection failure: "try again later").
import { describe, expect, it } from "vitest";
import { createClient } from "../../src/client/create-client.js";
import { AuthError } from "../../src/core/errors.js";
import { createSimulator } from "../../src/simulator/index.js";
import { apiKeyProblem } from "../../src/transport/transport.js";

describe("the API key's form", () => {
  for (const key of [
    "secret-part\nrest-0123",
    "secret-part\r\n",
    "sécret-part-0123",
    "secret part 0123",
    "secret\tpart",
  ]) {
    it(`${JSON.stringify(key)}: an AuthError before any request, the key not quoted`, async () => {
      const sim = createSimulator({ seed: 2, rateLimit: 0 });
      let calls = 0;
      const fetch: typeof globalThis.fetch = (input, init) => {
        calls++;
        return sim.fetch(input, init);
      };
      const xhs = createClient({ apiKey: key, fetch, baseUrl: sim.url });
      const error = await xhs.notes.get(sim.world.notes()[0]!.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(String((error as Error).message)).toMatch(/API key contains/);
      expect(String((error as Error).message)).not.toContain("secret");
      expect(calls).toBe(0);
    });
  }

  it("a well-formed key passes", () => {
    expect(apiKeyProblem("sk-AbC_123.xyz/+=")).toBeNull();
    expect(apiKeyProblem("a\u00a0b")).not.toBeNull();
  });
});
