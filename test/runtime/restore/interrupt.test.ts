import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { BackupStore } from "../../../runtime/lib/store/types";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import {
  descendantsStartedSince,
  hasPid,
  isRunning,
  pidFrom,
  runningDescendants,
  runningDescendantsNamed,
  waitUntil,
} from "../../support/processes";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { createFixtureDatabase } from "./fixture";

/** Processes running before each test: only what the test's operation starts must be gone after it. */
let baseline: string[] = [];
beforeEach(() => {
  baseline = runningDescendants();
});

/**
 * Interruptions of work in progress: pg_restore while it writes rows, the --then command while
 * it runs. Afterwards nothing the restore started may run (pg_restore's workers, the shell's
 * children), and the target is as docs/engine.md says.
 */
let cluster: LocalCluster;
let owner: OwnerRole;
let dir: string;
let tempDir: string;
let store: BackupStore;
let sourceUrl: string;
let sourceDigests: Record<string, string>;

/** Rows of public.bulk: enough that pg_restore's COPY of it runs for a while. */
const BULK_ROWS = 400_000;

beforeAll(async () => {
  cluster = await startTestCluster("restore-interrupt");
  owner = await createOwnerRole(cluster, "bloom_owner");
  sourceUrl = await createOwnedDatabase(cluster, owner, "source");
  await createFixtureDatabase(sourceUrl);
  await query(
    sourceUrl,
    `CREATE TABLE public.bulk AS SELECT i AS id, md5(i::text) AS a, md5((i * 7)::text) AS b FROM generate_series(1, ${BULK_ROWS}) i`,
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-restore-interrupt-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-restore-interrupt-tmp-"));
  store = openStore(path.join(dir, "store"));
  await runBackup({ dbUrl: sourceUrl, store });
  sourceDigests = await tableDigests(sourceUrl);
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
  rmSync(tempDir, { recursive: true, force: true });
});

/** Rows the COPY commands into the target (pg_restore's: nothing else writes there) have taken so far. */
async function rowsBeingCopied(database: string): Promise<number> {
  const rows = await query<{ n: string }>(
    cluster.url(),
    "SELECT coalesce(sum(tuples_processed), 0) AS n FROM pg_stat_progress_copy WHERE datname = $1 AND command = 'COPY FROM'",
    [database],
  );
  return Number(rows[0].n);
}

/** Sessions connected to the target database (the test watches from another one). */
async function sessionsIn(database: string): Promise<number> {
  const rows = await query<{ n: string }>(
    cluster.url(),
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [database],
  );
  return Number(rows[0].n);
}

test("interrupted while pg_restore writes rows: pg_restore and its workers are gone, the target restores again with clean", async () => {
  const targetUrl = await createOwnedDatabase(cluster, owner, "interrupted_restore");
  const teardowns = pendingTeardowns();
  const controller = new AbortController();
  let pgRestorePids: number[] = [];
  const restoring = runRestore({
    store,
    backup: "latest",
    targetUrl,
    jobs: 2,
    tempDir,
    signal: controller.signal,
  }).catch((e: Error) => e);
  // the pids are read once rows are being copied: by then the leader has forked its workers
  await waitUntil("pg_restore's workers have copied rows into the target", async () => {
    if ((await rowsBeingCopied("interrupted_restore")) === 0) return false;
    pgRestorePids = runningDescendantsNamed("pg_restore");
    return pgRestorePids.length > 1;
  });
  expect(pgRestorePids.length).toBeGreaterThan(1); // the leader and its workers: what must stop
  controller.abort(new Error("interrupted by SIGINT"));
  const error = await restoring;

  expect((error as Error).message).toMatch(
    /^restore of backup \S+ into 127\.0\.0\.1:\d+\/interrupted_restore failed: interrupted during pg_restore; the target is partially restored: restore again with --clean$/,
  );
  expect(pgRestorePids.filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(pendingTeardowns()).toBe(teardowns);
  expect(readdirSync(tempDir)).toEqual([]);
  // pg_restore cancelled its queries as it stopped: its sessions end with it, and ours is closed
  await waitUntil("the target has no session left", async () => (await sessionsIn("interrupted_restore")) === 0);

  // as documented: partially restored, so a plain restore is refused and --clean restores it whole
  await expect(runRestore({ store, backup: "latest", targetUrl, tempDir })).rejects.toThrow(/it is not empty/);
  const again = await runRestore({ store, backup: "latest", targetUrl, clean: true, tempDir });
  expect(again.tables["public.bulk"]).toEqual({ expected: BULK_ROWS, actual: BULK_ROWS });
  expect(await tableDigests(targetUrl)).toEqual(sourceDigests);
});

test("interrupted while the --then command runs: the shell and what it started are stopped; the restore stands", async () => {
  const targetUrl = await createOwnedDatabase(cluster, owner, "interrupted_then");
  const pidFile = path.join(dir, "then-child.pid");
  const controller = new AbortController();
  const restoring = runRestore({
    store,
    backup: "latest",
    targetUrl,
    tempDir,
    signal: controller.signal,
    then: `sleep 300 & echo $! > "${pidFile}"; wait`,
  }).catch((e: Error) => e);
  await waitUntil("the --then command has started its child", () => hasPid(pidFile));
  const child = pidFrom(pidFile);
  expect(isRunning(child)).toBe(true);
  controller.abort(new Error("interrupted by SIGINT"));
  const error = await restoring;

  expect((error as Error).message).toMatch(
    /the --then command \(sleep 300 & .*\) was killed by SIGTERM; the restore itself completed and was validated$/,
  );
  expect(isRunning(child)).toBe(false);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(await tableDigests(targetUrl)).toEqual(sourceDigests);
  expect(readdirSync(tempDir)).toEqual([]);
});

test("a --then command that ignores SIGTERM is killed, children included, after the grace period", async () => {
  const targetUrl = await createOwnedDatabase(cluster, owner, "stubborn_then");
  const pidFile = path.join(dir, "stubborn-child.pid");
  const controller = new AbortController();
  const restoring = runRestore({
    store,
    backup: "latest",
    targetUrl,
    tempDir,
    signal: controller.signal,
    // ignored signals stay ignored in the children the shell starts
    then: `trap "" TERM; sleep 300 & echo $! > "${pidFile}"; wait`,
  }).catch((e: Error) => e);
  await waitUntil("the --then command has started its child", () => hasPid(pidFile));
  const child = pidFrom(pidFile);
  controller.abort(new Error("interrupted by SIGTERM"));
  const error = await restoring;

  expect((error as Error).message).toMatch(/the --then command \(trap .*\) was killed by SIGKILL; the restore itself/);
  expect(isRunning(child)).toBe(false);
  expect(descendantsStartedSince(baseline)).toEqual([]);
});
