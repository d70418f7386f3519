/**
 * A simulator in its own process, for measurements where the client must not share a process with it.
 * Started by `fork()` with a JSON config as argv[2]; sends `{ url }` to the parent once listening and
 * closes when the parent disconnects.
 */
import { startSimulator } from "../simulator/index.js";

interface SimProcessConfig {
  seed: number;
  size: "tiny" | "default" | "large";
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as SimProcessConfig;
  const sim = await startSimulator({ seed: config.seed, size: config.size, faults: "healthy", rateLimit: 0 });
  process.send?.({ url: sim.url });
  process.on("disconnect", () => {
    void sim.close().then(() => process.exit(0));
  });
}

void main();
