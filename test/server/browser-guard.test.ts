/**
 * Browser pages of other sites cannot make paid calls: Fetch Metadata (`Sec-Fetch-Site`) refuses the
 * requests a browser sends without an Origin (an `<img>`, a link, a no-cors fetch); same-origin
 * requests, typed URLs and non-browser clients pass.
 */
import { describe, expect, it } from "vitest";
import { PROBLEM_TYPES } from "../../src/service/problem.js";
import { GUIDE } from "../../src/simulator/world/index.js";
import { json, rig } from "./helpers.js";

const paid = `/v1/users/${GUIDE.userId}`;

describe("Fetch Metadata", () => {
  it("refuses what a page of another site makes a browser send without an Origin, before any paid call", async () => {
    const r = rig();
    const cases: Record<string, string>[] = [
      // <img src="http://127.0.0.1:8787/v1/users/…">
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
      // fetch(url, { mode: "no-cors" })
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "empty" },
      // a link clicked on another site
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
      // an <img> on a page served from another port of this machine
      { "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
    ];
    for (const headers of cases) {
      const res = await r.get(paid, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      const body = await json<{ type: string; detail: string }>(res);
      expect(body.type).toBe(PROBLEM_TYPES.forbiddenOrigin);
      expect(body.detail).toMatch(/another site/);
    }
    const mcp = await r.app.request("/mcp", {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "content-type": "text/plain" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "get_user" } }),
    });
    expect(mcp.status).toBe(403);
    expect(r.upstreamCalls()).toBe(0);
  });

  it("lets same-origin requests, typed URLs, allowed origins and non-browser clients through", async () => {
    const r = rig({ app: { allowedOrigins: ["https://app.example.com"] } });
    const cases: Record<string, string>[] = [
      {},
      { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" },
      { "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" },
      { "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors", origin: "https://app.example.com" },
      { "sec-fetch-site": "same-site", "sec-fetch-mode": "cors", origin: "http://localhost:5173" },
    ];
    for (const headers of cases) expect((await r.get(paid, headers)).status, JSON.stringify(headers)).toBe(200);
    // A listed origin is not a licence for other sites.
    const other = await r.get(paid, {
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "cors",
      origin: "https://other.example.com",
    });
    expect(other.status).toBe(403);
  });
});
