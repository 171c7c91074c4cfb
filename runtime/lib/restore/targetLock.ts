import type { Client } from "pg";

/**
 * The session-level advisory lock that makes bloom-dr's writers of a whole database (restore,
 * the scheduled restore job, promote) take turns: a restore job that starts while promote runs,
 * or the other way round, is refused instead of dropping what the other is building. Advisory
 * locks are scoped to the database, need no privilege, and go away with the session, so a
 * crashed run leaves nothing to clean up. The key spells "bloom-dr".
 */
export const TARGET_LOCK_KEY = "7092166037565432946";

/** Takes the lock on this session or throws a one-line refusal naming the target. */
export async function lockTarget(client: Client, target: string): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
    TARGET_LOCK_KEY,
  ]);
  if (!rows[0].locked) {
    throw new Error(
      `refusing to touch ${target}: another bloom-dr restore, restore job or promote is working on it (it holds the database's bloom-dr lock); wait for it to finish, then run this again`,
    );
  }
}
