import type { Client } from "pg";
import { connectDatabase, describeDatabase } from "../backup/database";
import { parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";
import { recordValidatedRestore, RestoreRecord } from "../promote/standbyState";
import { BackupStore } from "../store/types";
import { RestoreResult, runRestore } from "./runRestore";
import { lockTarget } from "./targetLock";

export interface StandbyRestoreOptions {
  store: BackupStore;
  /** The standby, as its owner or the RDS master. */
  targetUrl: string;
  jobs?: number;
  /** Run on the restored standby; must succeed and return at least one row. */
  smokeQuery?: string;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  tempDir?: string;
  now?: () => Date;
}

export interface StandbyRestoreResult {
  restore: RestoreResult;
  smokeQueryRows?: number;
  /** What promote's fast path compares the standby with. */
  record: RestoreRecord;
}

/**
 * The scheduled restore job (continuous restore testing) on the standby: under the target's lock,
 * refuses a serving database, restores the newest backup with --clean, validates every table's
 * row count, runs the smoke query, and records last which backup the standby now holds and its
 * state, so that promote may skip the restore while nothing changed.
 */
export async function runStandbyRestore(options: StandbyRestoreOptions): Promise<StandbyRestoreResult> {
  const target = describeDatabase(options.targetUrl);
  const secrets = [parseConnectionUrl(options.targetUrl).password];
  const session = await connectDatabase(options.targetUrl, "standby database");
  try {
    await lockTarget(session, target);
    const restore = await runRestore({
      store: options.store,
      backup: "latest",
      targetUrl: options.targetUrl,
      clean: true,
      lockTarget: false, // held by this function's session until the record is written
      jobs: options.jobs,
      signal: options.signal,
      env: options.env,
      tempDir: options.tempDir,
    });
    const smokeQueryRows =
      options.smokeQuery === undefined ? undefined : await runSmokeQuery(session, options.smokeQuery);
    options.signal?.throwIfAborted();
    const record = await recordValidatedRestore(session, restore.manifest, (options.now ?? (() => new Date()))()).catch(
      (err: Error) => {
        throw new Error(
          redactSecrets(`recording the validated restore in ${target} failed: ${err.message.split("\n")[0]}`, secrets),
        );
      },
    );
    return { restore, record, ...(smokeQueryRows !== undefined ? { smokeQueryRows } : {}) };
  } finally {
    await session.end().catch(() => undefined);
  }
}

/** Runs the operator's smoke query; an error or an empty result is a failure. */
export async function runSmokeQuery(client: Client, sql: string): Promise<number> {
  let rows: unknown[];
  try {
    rows = (await client.query(sql)).rows;
  } catch (err) {
    throw new Error(`smoke query failed: ${(err as Error).message.split("\n")[0]}`);
  }
  if (rows.length === 0) throw new Error(`smoke query returned no rows: ${sql.slice(0, 200)}`);
  return rows.length;
}
