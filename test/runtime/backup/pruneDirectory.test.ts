/**
 * Retention of directory-form backups in a local store: a pruned backup goes manifest first, then
 * every file of its directory (and the directory); leftovers of interrupted directory backups (a
 * directory without a manifest, a hidden staging directory) go once older than an hour.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { incompleteBackups } from "../../../runtime/lib/backup/incomplete";
import {
  BackupManifest,
  backupIdFor,
  directoryDigest,
  DirectoryDump,
  LATEST_KEY,
  latestPointerFor,
} from "../../../runtime/lib/backup/manifest";
import { listBackups } from "../../../runtime/lib/catalog";
import { pruneBackups } from "../../../runtime/lib/prune";
import { FileStore } from "../../../runtime/lib/store/fileStore";

const NOW = new Date("2026-11-27T12:00:00Z");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-prune-dir-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

/** A directory backup written by hand: its files, and a format-2 manifest that lists them. */
function directoryBackup(daysAgo: number, salt: string): BackupManifest {
  const at = new Date(NOW.getTime() - daysAgo * 86_400_000);
  const id = backupIdFor(at, salt);
  mkdirSync(path.join(dir, id), { mode: 0o700 });
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const [name, text] of [
    ["toc.dat", `toc ${id}`],
    ["3414.dat.gz", `rows ${id}`],
  ]) {
    writeFileSync(path.join(dir, id, name), text);
    files[name] = { bytes: text.length, sha256: createHash("sha256").update(text).digest("hex") };
  }
  const manifest: BackupManifest = {
    formatVersion: 2,
    id,
    dump: {
      key: id,
      sha256: directoryDigest(files),
      bytes: Object.values(files).reduce((sum, f) => sum + f.bytes, 0),
      format: "directory",
      compression: "gzip:1",
      jobs: 2,
      files,
    },
    source: { host: "h", port: 5432, database: "bloom", serverVersion: "15.18", serverMajor: 15 },
    pgDumpVersion: "15.18",
    startedAt: at.toISOString(),
    finishedAt: at.toISOString(),
    snapshotAt: at.toISOString(),
    tables: { "public.clients": 1 },
    partitions: {},
    schemaFingerprint: "f".repeat(64),
  };
  writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(manifest));
  return manifest;
}

function leftover(name: string, ageMinutes: number, isDirectory = true): void {
  const target = path.join(dir, name);
  if (isDirectory) {
    mkdirSync(target);
    writeFileSync(path.join(target, "toc.dat"), "partial");
    utimesSync(path.join(target, "toc.dat"), minutesAgo(ageMinutes), minutesAgo(ageMinutes));
  }
  utimesSync(target, minutesAgo(ageMinutes), minutesAgo(ageMinutes));
}

test("old directory backups go whole; the kept ones and young leftovers stay; old leftovers go", async () => {
  const store = new FileStore(dir);
  const old = directoryBackup(3, "000003");
  const older = directoryBackup(5, "000005");
  const newest = directoryBackup(0, "000000");
  writeFileSync(path.join(dir, LATEST_KEY), JSON.stringify(latestPointerFor(newest)));
  const oldOrphan = backupIdFor(minutesAgo(90), "0000aa");
  const youngOrphan = backupIdFor(minutesAgo(10), "0000bb");
  leftover(oldOrphan, 90);
  leftover(youngOrphan, 10);
  leftover(`.${backupIdFor(minutesAgo(120), "0000cc")}.0123456789ab.partial`, 120);
  expect((await listBackups(store)).map((b) => b.id)).toEqual([newest.id, old.id, older.id]);
  expect((await incompleteBackups(store)).map((b) => [b.key, b.reason])).toEqual([
    [`${oldOrphan}/`, `no manifest ${oldOrphan}.json: the backup failed before it was complete`],
    [`${youngOrphan}/`, `no manifest ${youngOrphan}.json: the backup failed before it was complete`],
  ]);

  const result = await pruneBackups(store, { keep: 1, now: NOW });

  expect(result).toEqual({
    removed: [old.id, older.id, expect.stringMatching(/^\.\S+\.partial$/), `${oldOrphan}/`],
    kept: [newest.id],
  });
  expect(readdirSync(dir).sort()).toEqual([newest.id, `${newest.id}.json`, LATEST_KEY, youngOrphan].sort());
  expect(existsSync(path.join(dir, old.id))).toBe(false);
  expect((await listBackups(store)).map((b) => b.id)).toEqual([newest.id]);
});

test("a directory backup missing a file is not complete: not listed, reported, not pruned as a backup", async () => {
  const store = new FileStore(dir);
  const damaged = directoryBackup(1, "000001");
  rmSync(path.join(dir, damaged.id, "3414.dat.gz"));
  expect(await listBackups(store)).toEqual([]);
  expect(await incompleteBackups(store)).toEqual([
    {
      id: damaged.id,
      key: `${damaged.id}/`,
      bytes: (damaged.dump as DirectoryDump).files["toc.dat"].bytes,
      reason: `its manifest ${damaged.id}.json records other sizes: the dump is not the one it describes`,
    },
  ]);
});
