import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LocalCluster } from "../local/cluster";
import { serverUser } from "../local/osUser";
import { PostgresBinaries } from "../postgres/binaries";
import { queryOne, sleep, withClient } from "./sql";

export interface PitrBranchOptions {
  name: string;
  baseDir: string;
  baseBackupDir: string;
  archiveDir: string;
  at: Date;
  binaries: PostgresBinaries;
  /** The primary's superuser password: the copy keeps the primary's roles until we change it. */
  sourcePassword: string;
  signal?: AbortSignal;
  /** How long recovery may take before we give up; default 2 minutes. */
  timeoutMs?: number;
}

/** The settings that turn a copy of the base backup into a point-in-time recovery up to `at`. */
export function recoverySettings(archiveDir: string, at: Date): Record<string, string> {
  return {
    restore_command: `'cp ${archiveDir}/%f %p'`,
    recovery_target_time: `'${postgresTimestamp(at)}'`,
    recovery_target_inclusive: "on",
    recovery_target_action: "'promote'",
    // a branch must never write into the primary's archive
    archive_mode: "off",
    // the "recovery stopping before commit" line is logged at LOG level; we read it back
    log_min_messages: "log",
  };
}

/** "2025-01-15 10:30:00.123+00": the form recovery_target_time accepts (it rejects "T…Z"). */
export function postgresTimestamp(at: Date): string {
  return at.toISOString().replace("T", " ").replace("Z", "+00");
}

/** The commit time at which recovery stopped, from the server log ("recovery stopping before commit of transaction 745, time …"). */
export function recoveryStopTime(serverLog: string): Date | undefined {
  const matches = [...serverLog.matchAll(/recovery stopping before (?:commit|abort) of transaction \d+, time (.+)$/gm)];
  const last = matches[matches.length - 1];
  if (!last) return undefined;
  const at = new Date(
    last[1]
      .trim()
      .replace(" ", "T")
      .replace(/([+-]\d\d)$/, "$1:00"),
  );
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * A new cluster recovered from the base backup and the WAL archive up to `at`, promoted to a
 * writable primary of its own. Verifies that recovery stopped at the first commit after `at`
 * (it reached the target, rather than running out of WAL). On any failure the cluster is removed.
 */
export async function createPitrBranch(options: PitrBranchOptions): Promise<LocalCluster> {
  const { at, signal } = options;
  const cluster = await LocalCluster.prepare({
    name: options.name,
    baseDir: options.baseDir,
    binaries: options.binaries,
  });
  try {
    await cluster.asServer("cp", ["-a", options.baseBackupDir, cluster.dataDir], { signal });
    cluster.configure(recoverySettings(options.archiveDir, at));
    const signalFile = path.join(cluster.dataDir, "recovery.signal");
    writeFileSync(signalFile, "");
    serverUser().own(signalFile);
    signal?.throwIfAborted();
    try {
      await cluster.start(signal);
    } catch (err) {
      signal?.throwIfAborted();
      // pg_ctl only says "examine the log": the log's FATAL line is the reason
      throw new Error(
        `point-in-time recovery of ${options.name} failed to start: ${lastFatal(cluster.logFile) ?? (err as Error).message}`,
      );
    }
    const inheritedUrl = cluster
      .url()
      .replace(encodeURIComponent(cluster.password), encodeURIComponent(options.sourcePassword));
    await waitForPromotion(cluster, inheritedUrl, options.timeoutMs ?? 120_000, signal);
    // the branch gets its own password, so that cluster.url() is the way in (as for every cluster)
    await withClient(inheritedUrl, (c) =>
      c.query(`ALTER ROLE ${cluster.superuser} PASSWORD ${c.escapeLiteral(cluster.password)}`),
    );
    const stoppedAt = recoveryStopTime(readFileSync(cluster.logFile, "utf8"));
    // the log has microseconds, Date has milliseconds: equal after truncation still means later
    if (!stoppedAt || stoppedAt.getTime() < at.getTime()) {
      throw new Error(
        `point-in-time recovery of ${options.name} did not reach ${at.toISOString()} (stopped ${stoppedAt ? `at ${stoppedAt.toISOString()}` : "without a target commit"}): see ${cluster.logFile}`,
      );
    }
    return cluster;
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
}

async function waitForPromotion(
  cluster: LocalCluster,
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const { recovering } = await queryOne<{ recovering: boolean }>(url, "SELECT pg_is_in_recovery() AS recovering");
      if (!recovering) return;
    } catch (err) {
      // recovery that cannot reach its target ends the server (FATAL): say why at once
      if (!existsSync(path.join(cluster.dataDir, "postmaster.pid"))) {
        throw new Error(
          `point-in-time recovery of ${cluster.name} failed: ${lastFatal(cluster.logFile) ?? (err as Error).message}`,
        );
      }
      if (performance.now() > deadline) throw err;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `point-in-time recovery of ${cluster.name} was still replaying WAL after ${timeoutMs / 1000}s: see ${cluster.logFile}`,
      );
    }
    await sleep(50, signal);
  }
}

function lastFatal(logFile: string): string | undefined {
  try {
    const lines = readFileSync(logFile, "utf8").split("\n");
    const at = lines.map((l) => /\b(FATAL|PANIC):/.test(l)).lastIndexOf(true);
    if (at < 0) return undefined;
    // a configuration error names the bad line just before the FATAL line
    const cause =
      lines[at - 1] && /\b(LOG|ERROR):.*(parameter|line \d+)/.test(lines[at - 1]) ? `${strip(lines[at - 1])}; ` : "";
    return `${cause}${strip(lines[at])}`;
  } catch {
    return undefined;
  }
}

function strip(line: string): string {
  return line.replace(/^.*?\b(FATAL|PANIC|LOG|ERROR):\s*/, "");
}
