/** Comment cursors as the app series accept them (App V2's `cursor`, App V1's `start`). */

/** A comment cursor: the plain id, or the id inside the JSON form {"cursor","index","pageArea"}. */
export function cursorId(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as { cursor?: unknown };
    return typeof parsed.cursor === "string" ? parsed.cursor : "";
  } catch {
    return "";
  }
}
