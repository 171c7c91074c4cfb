import {
  BackupManifest,
  backupIdTime,
  dumpObjects,
  LATEST_KEY,
  manifestKeyFor,
  parseLatestPointer,
} from "./backup/manifest";
import { listBackups } from "./catalog";
import { FileStore } from "./store/fileStore";
import { isS3Store } from "./store/openStore";
import { BackupStore, StoredObject } from "./store/types";

export interface PruneOptions {
  /** Newest complete backups to keep (at least 1 is always kept). */
  keep: number;
  /** Also keep anything younger than this many days. */
  keepDays?: number;
  now?: Date;
}

/** Dumps without a manifest younger than this may belong to a backup still running. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

export interface PrunePlan {
  /** Complete backups to remove (ids), oldest last. */
  removeBackups: string[];
  /** Complete backups to keep (ids), newest first. */
  keepBackups: string[];
  /** Keys of leftovers from interrupted backups: dumps without a manifest (`<id>/` for a directory), temp files. */
  removeOrphans: string[];
}

/**
 * Which backups go. Kept: the `keep` newest, anything younger than keepDays, and always the one
 * latest.json names (keep ≥ 1, so the newest always stays). Orphans: dumps without any manifest and
 * temp files, once older than an hour (a backup may still be writing them).
 */
export function planPrune(
  backups: readonly Pick<BackupManifest, "id" | "finishedAt">[],
  objects: readonly StoredObject[],
  latestId: string | undefined,
  options: PruneOptions,
): PrunePlan {
  if (!Number.isInteger(options.keep) || options.keep < 1)
    throw new Error(`--keep must be a whole number ≥ 1 (got ${options.keep})`);
  if (options.keepDays !== undefined && !(options.keepDays >= 0))
    throw new Error(`--keep-days must be a number ≥ 0 (got ${options.keepDays})`);
  const now = (options.now ?? new Date()).getTime();
  const newestFirst = [...backups].sort((a, b) => (a.id < b.id ? 1 : -1));
  const keepCount = options.keep;
  const youngerThan = options.keepDays === undefined ? undefined : now - options.keepDays * 24 * 60 * 60 * 1000;
  const keepBackups: string[] = [];
  const removeBackups: string[] = [];
  newestFirst.forEach((b, index) => {
    const young = youngerThan !== undefined && Date.parse(b.finishedAt) > youngerThan;
    (index < keepCount || young || b.id === latestId ? keepBackups : removeBackups).push(b.id);
  });
  const keys = new Set(objects.map((o) => o.key));
  const old = (o: StoredObject) => now - o.modified.getTime() > ORPHAN_GRACE_MS;
  const removeOrphans = objects
    .filter((o) => {
      const dumpId = o.key.endsWith(".dump")
        ? o.key.slice(0, -".dump".length)
        : o.key.endsWith("/")
          ? o.key.slice(0, -1)
          : undefined;
      const orphanDump =
        dumpId !== undefined && backupIdTime(dumpId) !== undefined && !keys.has(manifestKeyFor(dumpId));
      return (orphanDump || o.key.endsWith(".partial")) && old(o);
    })
    .map((o) => o.key);
  return { removeBackups, keepBackups, removeOrphans };
}

/**
 * Retention for local stores. Each backup goes manifest first, then dump, so that at no moment
 * does a manifest point at a missing dump. S3 stores are refused: the vault's lifecycle rules and
 * Object Lock own retention there, and deletes would be blocked or leave delete markers anyway.
 * Returns removed backup ids and orphan keys, and kept ids.
 */
export async function pruneBackups(
  store: BackupStore,
  options: PruneOptions,
): Promise<{ removed: string[]; kept: string[] }> {
  if (isS3Store(store)) {
    throw new Error(
      `prune does not touch ${store.describe()}: S3 backups expire through the vault's lifecycle rules and Object Lock retention (stack config backup.retentionDays / objectLockDays)`,
    );
  }
  const backups = await listBackups(store);
  const latestText = await store.getText(LATEST_KEY);
  const latestId = latestText ? parseLatestPointer(latestText, `${store.describe()}/${LATEST_KEY}`).id : undefined;
  const objects = [
    ...(await store.list()),
    ...(store instanceof FileStore ? await store.listPartials() : []),
    ...(await dumpDirectories(store)),
  ];
  const plan = planPrune(backups, objects, latestId, options);
  const byId = new Map(backups.map((b) => [b.id, b]));
  for (const id of plan.removeBackups) {
    await store.remove(manifestKeyFor(id));
    for (const object of dumpObjects(byId.get(id)!)) await store.remove(object.key);
  }
  for (const key of plan.removeOrphans) {
    if (!key.endsWith("/")) await store.remove(key);
    else for (const file of await store.list(key.slice(0, -1))) await store.remove(file.key);
  }
  return { removed: [...plan.removeBackups, ...plan.removeOrphans], kept: plan.keepBackups };
}

/** Each directory of the store as `<name>/`, with its total size and its newest file's time. */
async function dumpDirectories(store: BackupStore): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for (const name of (await store.directories?.()) ?? []) {
    const files = await store.list(name);
    out.push({
      key: `${name}/`,
      size: files.reduce((sum, f) => sum + f.size, 0),
      modified: new Date(Math.max(0, ...files.map((f) => f.modified.getTime()))),
    });
  }
  return out;
}
