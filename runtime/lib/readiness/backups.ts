/**
 * "Backups funcionando y testeados", part one: the newest complete backup is younger than the RPO,
 * and it is intact (its manifest parses, latest.json points at a complete backup, and the dump's
 * sha256 and size are what the manifest recorded: the same check a restore makes first).
 */
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HashingStream } from "../backup/hashingStream";
import { BackupManifest, dumpObjects, LATEST_KEY, parseLatestPointer } from "../backup/manifest";
import { catalogBackups } from "../catalog";
import { objectMismatch } from "../restore/download";
import { BackupStore } from "../store/types";
import { formatAge, item, ReadinessItem, RPO_MS } from "./types";

const FRESH = "newest complete backup younger than the RPO (24 h)";
const INTACT = "newest backup's manifest and checksum intact";

/** sha256 and size of every object of a dump as the store serves it, without keeping it anywhere. */
async function hashDump(
  store: BackupStore,
  manifest: BackupManifest,
  signal?: AbortSignal,
): Promise<string | undefined> {
  for (const object of dumpObjects(manifest)) {
    const hashing = new HashingStream();
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    await pipeline(await store.get(object.key), hashing, discard, { signal });
    const mismatch = objectMismatch(object, hashing.bytes, hashing.sha256);
    if (mismatch) return mismatch;
  }
  return undefined;
}

export async function checkBackups(
  store: BackupStore | undefined,
  now: Date,
  signal?: AbortSignal,
): Promise<ReadinessItem[]> {
  if (!store) {
    const reason = "no --store given: name the backup store (a directory or s3://bucket/prefix)";
    return [item("backups.fresh", FRESH, "NOT CHECKED", reason), item("backups.intact", INTACT, "NOT CHECKED", reason)];
  }
  const where = store.describe();
  let catalog: Awaited<ReturnType<typeof catalogBackups>>;
  try {
    catalog = await catalogBackups(store);
  } catch (err) {
    const reason = `cannot read ${where}: ${(err as Error).message.split("\n")[0]}`;
    return [item("backups.fresh", FRESH, "FAIL", reason), item("backups.intact", INTACT, "FAIL", reason)];
  }
  const newest = catalog.backups[0];
  if (!newest) {
    return [
      item(
        "backups.fresh",
        FRESH,
        "FAIL",
        `no complete backup in ${where}: check the dump job, or run bloom-dr backup`,
      ),
      item("backups.intact", INTACT, "NOT CHECKED", "no complete backup to check (see backups.fresh)"),
    ];
  }
  const age = now.getTime() - Date.parse(newest.snapshotAt);
  const fresh =
    age <= RPO_MS
      ? item(
          "backups.fresh",
          FRESH,
          "PASS",
          `backup ${newest.id} in ${where}: snapshot ${newest.snapshotAt}, ${formatAge(age)} old`,
        )
      : item(
          "backups.fresh",
          FRESH,
          "FAIL",
          `the newest backup ${newest.id} in ${where} is ${formatAge(age)} old (snapshot ${newest.snapshotAt}), older than the RPO of 24 h: check the dump job and its alarms, or run bloom-dr backup`,
        );
  return [fresh, await intactItem(store, newest, catalog.skipped, signal)];
}

async function intactItem(
  store: BackupStore,
  newest: BackupManifest,
  skipped: { key: string; reason: string }[],
  signal?: AbortSignal,
): Promise<ReadinessItem> {
  const where = store.describe();
  const fail = (reason: string) => item("backups.intact", INTACT, "FAIL", reason);
  if (skipped.length > 0)
    return fail(`${skipped.length} manifest(s) in ${where} do not parse, e.g. ${skipped[0].reason}`);
  let latestId: string;
  try {
    const text = await store.getText(LATEST_KEY);
    if (text === undefined)
      return fail(`${where} has no ${LATEST_KEY}: "restore --backup latest" would fail; run bloom-dr backup`);
    latestId = parseLatestPointer(text, `${where}/${LATEST_KEY}`).id;
  } catch (err) {
    return fail((err as Error).message);
  }
  if (latestId !== newest.id)
    return fail(
      `${where}/${LATEST_KEY} names ${latestId}, but the newest complete backup is ${newest.id}: run bloom-dr backup to rewrite it`,
    );
  try {
    const mismatch = await hashDump(store, newest, signal);
    if (mismatch) return fail(`backup ${newest.id}: ${mismatch}; take a new backup (bloom-dr backup)`);
  } catch (err) {
    return fail(`cannot read ${newest.dump.key} from ${where}: ${(err as Error).message.split("\n")[0]}`);
  }
  return item(
    "backups.intact",
    INTACT,
    "PASS",
    `backup ${newest.id}: manifest parses, latest.json points at it, the dump's ${newest.dump.bytes} bytes have the recorded sha256 ${newest.dump.sha256.slice(0, 12)}…`,
  );
}
