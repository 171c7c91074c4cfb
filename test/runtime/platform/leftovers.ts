import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Processes that still use something under `dir`: their working directory (every PostgreSQL
 * backend runs in its data directory) or their command line (the postmaster's -D).
 */
export function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push(`${pid}: ${cmdline.trim()}`);
    } catch {
      // the process ended while we looked, or is not ours to inspect
    }
  }
  return found;
}

/** Entries left in a directory. */
export function entriesIn(dir: string): string[] {
  return readdirSync(dir);
}
