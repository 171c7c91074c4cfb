import { mkdirSync } from "node:fs";
import path from "node:path";
import { LocalCluster } from "../local/cluster";
import { serverUser } from "../local/osUser";
import { runProgram } from "../postgres/processes";
import { queryOne, sleep } from "./sql";

/**
 * WAL archiving for the local primary: every completed segment is copied into `archiveDir`
 * (never overwriting one that is there, as the PostgreSQL docs require), which is what makes a
 * point-in-time recovery possible later.
 */
export function archivingSettings(archiveDir: string): Record<string, string> {
  return {
    wal_level: "replica",
    archive_mode: "on",
    archive_command: `'test ! -f ${archiveDir}/%f && cp %p ${archiveDir}/%f'`,
    // short so that idle periods still reach the archive; segments are 1 MB (initdb --wal-segsize)
    archive_timeout: "5s",
    max_wal_senders: "4",
  };
}

/** Creates a directory inside `root` that the server user can write. */
export function serverDir(root: string, name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  serverUser().own(dir);
  return dir;
}

/**
 * `pg_basebackup` of a running cluster into `targetDir`, as the server user, with the WAL it
 * needs streamed in (-X stream) so the copy is consistent on its own; later WAL comes from the
 * archive. Returns the server's clock when the backup finished: the earliest recoverable time.
 */
export async function takeBaseBackup(cluster: LocalCluster, targetDir: string): Promise<Date> {
  const { command, args } = serverUser().wrap(cluster.binaries.path("pg_basebackup"), [
    "-h",
    "127.0.0.1",
    "-p",
    String(cluster.port),
    "-U",
    cluster.superuser,
    "-w",
    "-D",
    targetDir,
    "-X",
    "stream",
    "-c",
    "fast",
    "--no-sync",
  ]);
  await runProgram(command, args, {
    env: { ...process.env, PGPASSWORD: cluster.password },
    cwd: path.dirname(targetDir),
    secrets: [cluster.password],
  });
  const row = await queryOne<{ now: Date }>(cluster.url(), "SELECT clock_timestamp() AS now");
  return row.now;
}

/**
 * Makes sure the archive holds WAL past `at`: a transaction that commits after `at` (recovery
 * needs a commit record later than its target to know it has reached it), then a segment switch,
 * then waits until the archiver has copied that segment. Returns the time archived through.
 */
export async function archiveThrough(
  primaryUrl: string,
  at: Date,
  signal?: AbortSignal,
  timeoutMs = 60_000,
): Promise<Date> {
  // the marker's commit time must be later than `at` by the server's clock, which stamps commits
  for (;;) {
    const { passed } = await queryOne<{ passed: boolean }>(primaryUrl, "SELECT clock_timestamp() > $1 AS passed", [at]);
    if (passed) break;
    await sleep(5, signal);
  }
  const marker = await queryOne<{ committed: Date }>(
    primaryUrl,
    "SELECT txid_current() IS NOT NULL AS ok, clock_timestamp() AS committed",
  );
  const { segment } = await queryOne<{ segment: string }>(
    primaryUrl,
    "SELECT pg_walfile_name(pg_switch_wal()) AS segment",
  );
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { archived, failed } = await queryOne<{ archived: string | null; failed: string | null }>(
      primaryUrl,
      "SELECT last_archived_wal AS archived, last_failed_wal AS failed FROM pg_stat_archiver",
    );
    // segment names of one timeline sort in WAL order
    if (archived && archived.slice(0, 24) >= segment) return marker.committed;
    if (performance.now() > deadline) {
      throw new Error(
        `WAL segment ${segment} was not archived within ${timeoutMs / 1000}s (last archived ${archived ?? "none"}, last failed ${failed ?? "none"}): check archive_command in the primary's server.log`,
      );
    }
    await sleep(50, signal);
  }
}
