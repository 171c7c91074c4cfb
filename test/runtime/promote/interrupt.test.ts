import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { readServingMarker } from "../../../runtime/lib/promote/marker";
import { runPromote } from "../../../runtime/lib/promote/runPromote";
import { query, tableDigests } from "../../support/postgres";
import {
  descendantsStartedSince,
  isRunning,
  runningDescendants,
  runningDescendantsNamed,
  waitUntil,
} from "../../support/processes";
import { APP_PASSWORD, PromoteWorld, startPromoteWorld } from "./support";

/**
 * promote interrupted while pg_restore writes rows (SIGINT in the CLI, the deadline in Lambda):
 * every process it started is gone, the target is not marked serving, and promote run again
 * restores it whole (it restores with clean semantics).
 */
let world: PromoteWorld;
let backup: BackupManifest;
let tempDir: string;
const BULK_ROWS = 400_000;

beforeAll(async () => {
  world = await startPromoteWorld("promote-interrupt");
  await query(
    world.sourceUrl,
    `CREATE TABLE public.bulk AS SELECT i AS id, md5(i::text) AS a, md5((i * 7)::text) AS b FROM generate_series(1, ${BULK_ROWS}) i`,
  );
  backup = await world.backup();
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-promote-interrupt-tmp-"));
});
afterAll(async () => {
  await world?.destroy();
  rmSync(tempDir, { recursive: true, force: true });
});

async function rowsBeingCopied(database: string): Promise<number> {
  const rows = await query<{ n: string }>(
    world.cluster.url(),
    "SELECT coalesce(sum(tuples_processed), 0) AS n FROM pg_stat_progress_copy WHERE datname = $1 AND command = 'COPY FROM'",
    [database],
  );
  return Number(rows[0].n);
}

async function sessionsIn(database: string): Promise<number> {
  const rows = await query<{ n: string }>(
    world.cluster.url(),
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [database],
  );
  return Number(rows[0].n);
}

test("interrupted during pg_restore: nothing left running, not serving, and promote again restores it whole", async () => {
  const target = await world.database("interrupted");
  const baseline = runningDescendants();
  const controller = new AbortController();
  let pgRestorePids: number[] = [];
  const promoting = runPromote({
    store: world.store,
    targetUrl: target,
    appPassword: APP_PASSWORD,
    now: world.after(backup, 1),
    jobs: 2,
    tempDir,
    signal: controller.signal,
  }).catch((e: Error) => e);
  // the pids are read once rows are being copied: by then the leader has forked its workers
  await waitUntil("pg_restore's workers have copied rows into the target", async () => {
    if ((await rowsBeingCopied("interrupted")) === 0) return false;
    pgRestorePids = runningDescendantsNamed("pg_restore");
    return pgRestorePids.length > 1;
  });
  expect(pgRestorePids.length).toBeGreaterThan(1);
  controller.abort(new Error("interrupted by SIGINT"));
  const error = await promoting;

  expect((error as Error).message).toMatch(
    new RegExp(
      `^promote of 127\\.0\\.0\\.1:\\d+/interrupted failed: interrupted while restoring backup ${backup.id}; 127\\.0\\.0\\.1:\\d+/interrupted is not marked serving and may be partially restored: run promote again \\(it restores with clean semantics\\)$`,
    ),
  );
  expect(pgRestorePids.filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(readdirSync(tempDir)).toEqual([]);
  await waitUntil("the target has no session left", async () => (await sessionsIn("interrupted")) === 0);
  const client = new Client({ connectionString: target });
  await client.connect();
  expect(await readServingMarker(client).finally(() => client.end())).toBeUndefined();

  const again = await runPromote({
    store: world.store,
    targetUrl: target,
    appPassword: APP_PASSWORD,
    now: world.after(backup, 1),
    tempDir,
  });
  expect(again.outcome).toMatchObject({ path: "restored", backupId: backup.id });
  expect(again.tables!["public.bulk"]).toEqual({ expected: BULK_ROWS, actual: BULK_ROWS });
  expect(await tableDigests(target)).toEqual(await tableDigests(world.sourceUrl));
});
