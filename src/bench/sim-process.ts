/**
 * A simulator in its own process, for measurements where the client must not share a process with it.
 * Started by `fork()` with a JSON config as argv[2]; sends `{ url }` to the parent once listening and
 * closes when the parent disconnects.
 */
import { startSimulator } from "../simulator/index.js";

interface SimProcessConfig {
  seed: number;
  size: "tiny" | "default" | "large";
  /** A note whose top-level comment count to report with the URL. */
  noteId?: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as SimProcessConfig;
  const sim = await startSimulator({ seed: config.seed, size: config.size, faults: "healthy", rateLimit: 0 });
  // The world's top-level comment count of each note asked about, so the client's count can be checked.
  const noteId = config.noteId;
  const expected = noteId ? (sim.world.note(noteId)?.commentsL1 ?? null) : null;
  process.send?.({ url: sim.url, expected });
  process.on("disconnect", () => {
    void sim.close().then(() => process.exit(0));
  });
}

void main();
