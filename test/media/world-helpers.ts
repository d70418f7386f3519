/** Notes of the simulator's world, fetched as a user would (detail through the client), and its CDN. */
import { createClient } from "../../src/client/create-client.js";
import type { Note } from "../../src/model/types.js";
import { type CdnOptions, createCdnFetch, SimulatedCdn } from "../../src/simulator/cdn/index.js";
import { createSimulator } from "../../src/simulator/index.js";

export async function worldNotes(seed: number, count: number, options: CdnOptions = {}) {
  const sim = createSimulator({ seed, rateLimit: 0 });
  const client = createClient({ apiKey: "test-key", fetch: sim.fetch, baseUrl: sim.url });
  const picked = sim.world
    .notes()
    .filter((n) => !n.deleted)
    .slice(0, count);
  const notes: Note[] = [];
  for (const n of picked) notes.push(await client.notes.get(n.id, { type: n.type === "video" ? "video" : "image" }));
  const cdn = new SimulatedCdn(sim.world, options);
  return { sim, client, notes, cdn, cdnFetch: createCdnFetch(cdn) };
}
