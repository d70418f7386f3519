// Placeholder until the `xhs mock` command lands; the owner of this file replaces it.
import type { Command } from "@commander-js/extra-typings";

export function register(_program: Command): void {}
