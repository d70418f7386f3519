/**
 * One loopback rule for the server and the simulator: every spelling of 127.0.0.0/8 and ::1 a URL
 * accepts (IPv4-mapped IPv6 included) is loopback; look-alike names and other addresses are not.
 */
import { describe, expect, it } from "vitest";
import { fetchSiteAllowed, hostOfHeader, isLoopbackHost, normalizeHost, originAllowed } from "../../src/core/hosts.js";
import * as server from "../../src/server/security.js";

const LOOPBACK = [
  "localhost",
  "LOCALHOST",
  "localhost.",
  "127.0.0.1",
  "127.255.0.9",
  "127.1",
  "::1",
  "[::1]",
  "0:0:0:0:0:0:0:1",
  "::ffff:127.0.0.1",
  "[::ffff:127.0.0.1]",
  "::ffff:127.3.2.1",
  "[::ffff:7f00:1]",
  "0:0:0:0:0:ffff:7f00:1",
];
const NOT_LOOPBACK = [
  "",
  "0.0.0.0",
  "::",
  "[::]",
  "10.0.0.1",
  "::ffff:10.0.0.1",
  "128.0.0.1",
  "evil.com",
  "localhost.evil.com",
  "127.0.0.1.nip.io",
  "evil.com@127.0.0.1",
  "127.0.0.1/x",
  "127.0.0.1:8080",
  "[::1",
  "::2",
];

describe("isLoopbackHost", () => {
  it.each(LOOPBACK)("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(NOT_LOOPBACK)("%s is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
  it("is the very function the HTTP server uses, as are its browser checks", () => {
    expect(server.isLoopbackHost).toBe(isLoopbackHost);
    expect(server.originAllowed).toBe(originAllowed);
    expect(server.fetchSiteAllowed).toBe(fetchSiteAllowed);
  });
  it("a page on an IPv4-mapped loopback origin is a loopback page", () => {
    expect(originAllowed("http://[::ffff:127.0.0.1]:3000", [])).toBe(true);
    expect(originAllowed("http://[::ffff:10.0.0.1]:3000", [])).toBe(false);
  });
});

describe("hostOfHeader", () => {
  it("takes the host out of a Host header, port or not", () => {
    expect(hostOfHeader("127.0.0.1:8787")).toBe("127.0.0.1");
    expect(hostOfHeader("[::ffff:127.0.0.1]:80")).toBe("::ffff:7f00:1");
    expect(hostOfHeader("Evil.COM")).toBe("evil.com");
    expect(hostOfHeader("localhost")).toBe("localhost");
  });
  it("refuses what is not a Host header", () => {
    for (const bad of [undefined, "", "a b", "evil.com@127.0.0.1", "::1", "127.0.0.1:port", "x/y", "[::1]x"]) {
      expect(hostOfHeader(bad)).toBeUndefined();
    }
  });
  it("normalizes like a URL", () => {
    expect(normalizeHost("0x7f.1")).toBe("127.0.0.1");
    expect(normalizeHost("0:0:0:0:0:0:0:1")).toBe("::1");
  });
});
