/**
 * Which host names mean "this machine", and which browser requests come from another site. One rule
 * for the HTTP server and the simulator (where each may listen without a guard, which `Host` headers
 * each accepts against DNS rebinding, which Origin / Sec-Fetch-Site it refuses), so the two cannot
 * drift apart. A neutral module: the library imports neither src/server nor src/simulator.
 */
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Characters a bare host (name, IPv4, bracketed or bare IPv6) may hold; no port, user, path or zone. */
const HOST_CHARS = /^[a-z0-9._:[\]-]+$/;

/**
 * A host as a URL spells it: lower case, IPv4 shorthand expanded (`127.1` → `127.0.0.1`), IPv6
 * compressed (`0:0:0:0:0:0:0:1` → `::1`, `::ffff:127.0.0.1` → `::ffff:7f00:1`), without brackets or a
 * trailing dot. Undefined when `host` is not a bare host (a port, `user@`, a path, a space…).
 */
export function normalizeHost(host: string): string | undefined {
  let h = host.trim().toLowerCase();
  if (h === "" || !HOST_CHARS.test(h)) return undefined;
  if (h.startsWith("[") !== h.endsWith("]")) return undefined;
  if (!h.startsWith("[") && h.includes(":")) h = `[${h}]`;
  let name: string;
  try {
    name = new URL(`http://${h}/`).hostname;
  } catch {
    return undefined;
  }
  return name.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

/** The host of a `Host` header value (`name`, `name:port`, `[v6]:port`), normalized; undefined if malformed. */
export function hostOfHeader(value: string | undefined): string | undefined {
  const v = (value ?? "").trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$/.exec(v);
  return m?.[1] ? normalizeHost(m[1]) : undefined;
}

/**
 * Loopback: `localhost`, 127.0.0.0/8 and ::1, in any spelling a URL accepts, IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`) included.
 */
export function isLoopbackHost(host: string): boolean {
  const h = normalizeHost(host);
  if (h === undefined) return false;
  if (h === "localhost") return true;
  const family = isIP(h);
  if (family === 4) return LOOPBACK.check(h, "ipv4");
  if (family === 6) return LOOPBACK.check(h, "ipv6");
  return false;
}

// ------------------------------------------------------------------ browser requests

/** Origins always allowed: pages served from loopback (a local tool), any port. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Fetch Metadata: a browser names where a request comes from in `Sec-Fetch-Site`, also when it sends
 * no Origin (an `<img>`, a link, a form GET, a `no-cors` fetch), and a page can make any of those reach
 * this server. Pass: no header (curl, SDKs, MCP clients, old browsers: the Origin check still applies),
 * `none` (typed in the address bar), `same-origin`, and a request from another site that names an
 * allowed Origin (a CORS call from a loopback page or an `--allow-origin` app). Every other request
 * from another site (`cross-site`, and `same-site`: another port or subdomain) is refused.
 */
export function fetchSiteAllowed(
  site: string | undefined,
  origin: string | undefined,
  allowed: readonly string[],
): boolean {
  if (site === undefined || site === "") return true;
  const s = site.trim().toLowerCase();
  if (s === "none" || s === "same-origin") return true;
  return origin !== undefined && origin !== "" && originAllowed(origin, allowed);
}

/**
 * Requests without an Origin (curl, SDKs, MCP clients) pass; a browser's Origin must be loopback or
 * listed in `allowed` (exact origins such as https://app.example.com, or "*" for any).
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === "") return true;
  if (allowed.includes("*")) return true;
  if (origin === "null") return false;
  if (isLoopbackOrigin(origin)) return true;
  return allowed.some((a) => a.replace(/\/+$/, "").toLowerCase() === origin.toLowerCase());
}
