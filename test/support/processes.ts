import { readdirSync, readFileSync } from "node:fs";
import { processStat } from "../../runtime/lib/postgres/processes";

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

/** Whether a fixture has written a pid into the file yet (it may exist, still empty). */
export function hasPid(file: string): boolean {
  try {
    return /^\d+\s*$/.test(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}

/** The pid a test fixture wrote into a file. */
export function pidFrom(file: string): number {
  const pid = Number(readFileSync(file, "utf8").trim().split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} does not hold a pid`);
  return pid;
}

/**
 * Every running process descended from `root` (default: this test process), as "pid: command
 * line". Whatever an operation started and did not stop shows up here, grandchildren included,
 * unless it was re-parented (a daemon such as a postmaster: look for those by their directory).
 */
export function runningDescendants(root: number = process.pid): string[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (!stat || stat.state === "Z") continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const found: string[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(`${pid}: ${commandLine(pid)}`);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * Running descendants that were not running at `baseline` (a list from runningDescendants): what
 * an operation started and left running. Compared with a baseline because a test worker keeps
 * helpers of its own (e.g. esbuild's service process, started by a test file before).
 */
export function descendantsStartedSince(baseline: readonly string[]): string[] {
  const before = new Set(baseline);
  return runningDescendants().filter((p) => !before.has(p));
}

/** Processes of this test running a program, by name (e.g. the pg_restore workers). */
export function runningDescendantsNamed(program: string, root: number = process.pid): number[] {
  return runningDescendants(root)
    .map((line) => Number(line.split(":")[0]))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === program;
      } catch {
        return false;
      }
    });
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "(gone)";
  }
}

/**
 * Polls until `condition` holds; fails naming `what` if it does not within `timeoutMs`. For
 * waiting until work is under way (a test must interrupt work in progress), not for asserting
 * how fast anything is.
 */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
