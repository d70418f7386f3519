// `xhs mock`: the offline TikHub simulator over HTTP, until Ctrl-C.
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { isLoopbackHost, normalizeHost } from "../../core/hosts.js";
import { BUILT_IN_PROFILES, FaultProfileError, loadFaultProfile } from "../../simulator/fault-profile.js";
import { startSimulator } from "../../simulator/index.js";
import { DEFAULT_QUIRKS, type Quirks } from "../../simulator/quirks.js";
import { contextOf } from "../context.js";
import { EXIT } from "../exit-codes.js";

const QUIRK_NAMES = Object.keys(DEFAULT_QUIRKS) as (keyof Quirks)[];

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535) {
    throw new InvalidArgumentError(`expected a port number 0..65535 (0 = any free port), got "${value}".`);
  }
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 0xffffffff) {
    throw new InvalidArgumentError(`expected a whole number 0..4294967295, got "${value}".`);
  }
  return n;
}

function parseNonNegative(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`expected ${what} ≥ 0, got "${value}".`);
    }
    return n;
  };
}

function parseKeys(value: string): string[] {
  const keys = value
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
  if (keys.length === 0) throw new InvalidArgumentError("expected one or more API keys, comma-separated.");
  return keys;
}

function collectQuirk(value: string, previous: Partial<Quirks> | undefined): Partial<Quirks> {
  const m = /^([A-Za-z0-9]+)=(on|off)$/.exec(value.trim());
  const name = m?.[1] as keyof Quirks | undefined;
  if (!m || !name || !QUIRK_NAMES.includes(name)) {
    throw new InvalidArgumentError(
      `expected <name>=on|off with a name among ${QUIRK_NAMES.join(", ")}; got "${value}".`,
    );
  }
  return { ...(previous ?? {}), [name]: m[2] === "on" };
}

/** `--allow-host <name>` (repeatable): a host name the simulator answers besides loopback and IP addresses. */
function collectHost(value: string, previous: string[] | undefined): string[] {
  const host = normalizeHost(value);
  if (host === undefined) throw new InvalidArgumentError(`expected a host name such as sim.internal, got "${value}".`);
  return [...(previous ?? []), host];
}

export function register(program: Command): void {
  program
    .command("mock")
    .description(
      "Run the offline TikHub simulator: the Xiaohongshu endpoints of App V2, App V1 and Web V3 over HTTP, " +
        "with a deterministic world, fault injection, a rate limit and a billing ledger (admin routes under /__sim/).",
    )
    .option("--host <host>", "interface to listen on; a non-loopback one needs --allow-remote", "127.0.0.1")
    .option("--port <port>", "port to listen on; 0 = any free port (the URL is printed)", parsePort, 0)
    .option("--allow-remote", "allow a non-loopback --host (anyone who can reach it can use the simulator)")
    .option(
      "--allow-host <name>",
      "Host header name answered besides loopback, IP addresses and --host (repeatable; others get 403, a DNS rebinding guard)",
      collectHost,
    )
    .option("--seed <n>", "world and fault seed: the same seed gives the same world and the same faults", parseSeed, 1)
    .addOption(
      new Option("--size <size>", "world size: tiny (fast start), default, or large (a note with 100k+ comments)")
        .choices(["tiny", "default", "large"] as const)
        .default("default" as const),
    )
    .option(
      "--faults <profile>",
      `fault profile: a built-in name (${Object.keys(BUILT_IN_PROFILES).join(", ")}) or a JSON file`,
      "healthy",
    )
    .option(
      "--rate-limit <qps>",
      "per-key requests per second before 429 + Retry-After (TikHub documents 10); Web V3 note detail also " +
        "has its own 1/s per key (change it in a profile's rateLimit.endpoints); 0 = every limit off",
      parseNonNegative("a number of requests per second"),
    )
    .option("--keys <k1,k2>", "the only API keys accepted (default: any non-empty key); others get 401", parseKeys)
    .option(
      "--balance <usd>",
      "per-key balance in USD; once spent, calls get 402",
      parseNonNegative("an amount in USD"),
    )
    .option("--no-quirks", "switch off every quirk of the real API (all are on by default)")
    .option("--quirk <name=on|off>", `switch one quirk (repeatable): ${QUIRK_NAMES.join(", ")}`, collectQuirk)
    .option(
      "--latency-scale <x>",
      "multiply the profile's latencies (0 = none, 0.1 = ten times faster)",
      parseNonNegative("a scale factor"),
    )
    .addHelpText(
      "after",
      `
Prints its base URL on stdout (one line) and runs until Ctrl-C / SIGTERM.
Point a client at it (no key needed; with --keys, export TIKHUB_API_KEY=<one of them>):
  xhs note 697c0eee000000000a03c308 --base-url <url>
  TIKHUB_BASE_URL=<url> xhs search notes 露营 --limit 5
  TIKHUB_BASE_URL=<url> xhs media 697c0eee000000000a03c308   (files from the simulated CDN at <url>/__cdn)

Admin routes (no key needed): GET /__sim/health, GET /__sim/ledger, POST /__sim/ledger/reset,
GET|PUT /__sim/faults, POST /__sim/reset. Media CDN (no key): <url>/__cdn/<host>/<path>.

Examples:
  xhs mock --port 8787
  xhs mock --faults mild --seed 7 --latency-scale 0.2
  xhs mock --faults ./my-profile.json --rate-limit 0 --keys demo-key --balance 1.50
  xhs mock --quirk searchCap=off --quirk webV3NeedsToken=off`,
    )
    .action(async (opts, command) => {
      const ctx = contextOf(command);
      if (!opts.allowRemote && !isLoopbackHost(opts.host)) {
        command.error(
          `xhs mock: --host ${opts.host} is not a loopback address; add --allow-remote to listen on it anyway.`,
          { exitCode: EXIT.usage },
        );
      }
      let profile: ReturnType<typeof loadFaultProfile>;
      try {
        profile = loadFaultProfile(opts.faults);
      } catch (error) {
        if (error instanceof FaultProfileError) command.error(`xhs mock: ${error.message}`, { exitCode: EXIT.usage });
        throw error;
      }
      if (opts.latencyScale !== undefined) profile = { ...profile, latencyScale: opts.latencyScale };
      const quirks: Partial<Quirks> = {
        ...(opts.quirks === false ? Object.fromEntries(QUIRK_NAMES.map((q) => [q, false])) : {}),
        ...(opts.quirk ?? {}),
      };

      const sim = await startSimulator({
        host: opts.host,
        port: opts.port,
        ...(opts.allowHost ? { allowedHosts: opts.allowHost } : {}),
        seed: opts.seed,
        size: opts.size,
        quirks,
        faults: profile,
        ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}),
        ...(opts.keys ? { keys: opts.keys } : {}),
        ...(opts.balance !== undefined ? { budget: { usd: opts.balance } } : {}),
      }).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        return command.error(`xhs mock: cannot listen on ${opts.host}:${opts.port}: ${reason}`, {
          exitCode: EXIT.usage,
        });
      });

      ctx.stdout.write(`${sim.url}\n`);
      const limit = sim.service.rateLimit;
      const limits = [
        ...(limit.perSecond > 0 ? [`${limit.perSecond}/s per key`] : []),
        ...Object.entries(limit.endpoints).map(([name, own]) => `${name} ${own.perSecond}/s per key`),
      ];
      ctx.stderr.write(
        `TikHub simulator on ${sim.url} (seed ${opts.seed}, ${opts.size} world, faults: ${profile.name ?? opts.faults}, ` +
          `rate limit: ${limits.length > 0 ? limits.join(", ") : "off"}). Ledger: ${sim.url}/__sim/ledger. ` +
          `Media CDN: ${sim.cdnUrl} (XHS_CDN_BASE_URL; \`xhs media\` finds it by itself). Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await sim.close();
      ctx.stderr.write("TikHub simulator stopped.\n");
    });
}
