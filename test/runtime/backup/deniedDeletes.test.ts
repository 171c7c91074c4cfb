/**
 * Failed backups on the real vault, where nobody but the break-glass role may delete: the dump
 * job's role has no s3:DeleteObject and the bucket policy denies it. A failure must still leave
 * nothing that can be mistaken for a backup. The S3 server refuses every DeleteObject here (not
 * AbortMultipartUpload, which the role may call and the policy does not deny).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { incompleteBackups } from "../../../runtime/lib/backup/incomplete";
import { LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { catalogBackups, resolveBackup } from "../../../runtime/lib/catalog";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { BackupStore } from "../../../runtime/lib/store/types";
import { query, startTestCluster } from "../../support/postgres";
import { S3Request, startS3Server, TestS3Server } from "../../support/s3Server";

const OWNER_PASSWORD = "Owner-pw-4821";
const NOW = new Date("2026-11-27T18:48:00Z");

let cluster: LocalCluster;
let s3: TestS3Server;
let ownerUrl: string;
let dir: string;
let killedPgDump: string;
let prefixCounter = 0;
/** DeleteObject requests the server refused (the SDK retries each), and multipart aborts it allowed. */
let deletes: S3Request[] = [];
let aborts: S3Request[] = [];

beforeAll(async () => {
  [cluster, s3] = await Promise.all([startTestCluster("denied-deletes"), startS3Server("bloom-vault-locked")]);
  // As on Neon: the database's owner, not a superuser.
  await query(cluster.url(), `CREATE ROLE bloom_owner LOGIN NOSUPERUSER PASSWORD '${OWNER_PASSWORD}'`);
  await query(cluster.url(), "CREATE DATABASE source OWNER bloom_owner");
  const url = new URL(cluster.url("source"));
  url.username = "bloom_owner";
  url.password = OWNER_PASSWORD;
  ownerUrl = url.toString();
  await generateBloomDatabase(ownerUrl, 0.01);
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-denied-"));
  killedPgDump = path.join(dir, "killed");
  mkdirSync(killedPgDump);
  const real = cluster.binaries.path("pg_dump");
  writeFileSync(
    path.join(killedPgDump, "pg_dump"),
    `#!/bin/bash\nif [ "$1" = "--version" ]; then exec "${real}" --version; fi\n"${real}" "$@" | head -c 20000\nkill -9 $$\n`,
  );
  chmodSync(path.join(killedPgDump, "pg_dump"), 0o755);
  s3.failWhen(denyDeletes);
});

/** Refuses DeleteObject (as the vault does), allows AbortMultipartUpload, and records both. */
function denyDeletes(request: S3Request): boolean {
  if (request.method !== "DELETE") return false;
  if (request.query.has("uploadId")) {
    aborts.push(request);
    return false;
  }
  deletes.push(request);
  return true;
}
afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  deletes = [];
  aborts = [];
});

/** A fresh prefix with one good backup in it, so that latest.json has something to keep naming. */
async function vaultWithOneBackup(): Promise<{ store: S3Store; firstId: string }> {
  const store = new S3Store({ bucket: s3.bucket, prefix: `denied-${++prefixCounter}`, env: s3.env });
  const first = await runBackup({ dbUrl: ownerUrl, store, now: () => NOW });
  return { store, firstId: first.id };
}

/** The store's methods bound, so a test can replace one of them. */
function wrap(store: S3Store, override: Partial<BackupStore>): BackupStore {
  return {
    describe: () => store.describe(),
    put: (k, b, s) => store.put(k, b, s),
    stage: (k, b, s) => store.stage(k, b, s),
    putText: (k, t) => store.putText(k, t),
    get: (k) => store.get(k),
    getText: (k) => store.getText(k),
    list: (u) => store.list(u),
    directories: () => store.directories(),
    remove: (k) => store.remove(k),
    ...override,
  };
}

async function failure(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: Error) => e,
  );
  if (!error) throw new Error("the backup succeeded; the test expected it to fail");
  expect(error.message.split("\n")).toHaveLength(1);
  expect(error.message).not.toContain(OWNER_PASSWORD);
  return error.message;
}

/** The keys DeleteObject was tried on, once each (the SDK retries a refused request). */
const deletedKeys = () => [...new Set(deletes.map((request) => request.key))];
const keysOf = async (store: BackupStore) => (await store.list()).map((o) => o.key);
const later = () => new Date(NOW.getTime() + 60_000);

describe("with deletes denied", () => {
  test("a failure before the dump is committed leaves nothing and deletes nothing: the upload is aborted", async () => {
    const { store } = await vaultWithOneBackup();
    const before = await keysOf(store);
    // The store reports another size than pg_dump wrote: found after the upload, before the commit.
    const lying = wrap(store, {
      stage: async (k, b, s) => {
        const staged = await store.stage(k, b, s);
        return { ...staged, bytes: staged.bytes + 1, commit: staged.commit, discard: staged.discard };
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: lying, now: later }));
    expect(message).toMatch(/failed: the store wrote \d+ bytes of \S+\.dump but pg_dump produced \d+$/);
    expect(await keysOf(store)).toEqual(before);
    expect(await s3.listMultipartUploads()).toEqual([]);
    expect(deletes).toEqual([]);
    expect(aborts).toHaveLength(1);
  });

  test("pg_dump killed mid-stream: the staged upload is aborted, nothing is deleted or left", async () => {
    const { store } = await vaultWithOneBackup();
    const before = await keysOf(store);
    const env = { ...process.env, BLOOM_DR_PG_BIN: killedPgDump };
    const message = await failure(runBackup({ dbUrl: ownerUrl, store, env, now: later }));
    expect(message).toMatch(/failed: pg_dump was killed by SIGKILL/);
    expect(await keysOf(store)).toEqual(before);
    expect(await s3.listMultipartUploads()).toEqual([]);
    expect(deletes).toEqual([]);
  });

  test("the manifest cannot be written and the dump cannot be removed: the error names the orphan, nothing takes it for a backup", async () => {
    const { store, firstId } = await vaultWithOneBackup();
    const latest = await store.getText(LATEST_KEY);
    const noManifest = wrap(store, {
      putText: async (key, text) => {
        if (key !== LATEST_KEY) throw new Error(`writing ${key} failed: EIO (injected)`);
        await store.putText(key, text);
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: noManifest, now: later }));
    const orphan =
      /; (\S+\.dump) stays in s3:\/\/bloom-vault-locked\/denied-\d+ without a manifest \(the store refused to remove it: removing \S+\.dump from \S+ failed: InternalError: injected fault\): it is not a backup, no catalog, restore or latest\.json uses it, and the vault's lifecycle expires it$/.exec(
        message,
      );
    expect(message).toMatch(/^backup of 127\.0\.0\.1:\d+\/source failed: writing \S+\.json failed: EIO \(injected\); /);
    expect(orphan).not.toBeNull();
    const dumpKey = orphan![1];
    const id = dumpKey.replace(/\.dump$/, "");
    expect(deletedKeys()).toEqual([expect.stringMatching(new RegExp(`${dumpKey}$`))]);
    // The dump is there, and nothing treats it as a backup.
    expect(await keysOf(store)).toContain(dumpKey);
    expect(await store.getText(LATEST_KEY)).toBe(latest);
    expect((await catalogBackups(store)).backups.map((backup) => backup.id)).toEqual([firstId]);
    await expect(resolveBackup(store, id)).rejects.toThrow(`manifest ${id}.json not found`);
    expect(await incompleteBackups(store)).toEqual([
      {
        id,
        key: dumpKey,
        bytes: expect.any(Number),
        reason: `no manifest ${id}.json: the backup failed before it was complete`,
      },
    ]);
  });

  test("latest.json cannot be written and nothing can be removed: the error says the backup is complete but not latest", async () => {
    const { store, firstId } = await vaultWithOneBackup();
    const latest = await store.getText(LATEST_KEY);
    const noLatest = wrap(store, {
      putText: async (key, text) => {
        if (key === LATEST_KEY) throw new Error(`writing ${key} failed: EIO (injected)`);
        await store.putText(key, text);
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: noLatest, now: later }));
    const complete =
      /; backup (\S+) is nonetheless complete in s3:\/\/bloom-vault-locked\/denied-\d+ \(the store refused to remove its manifest: removing \S+\.json from \S+ failed: InternalError: injected fault\): it is listed by bloom-dr backups and restorable by id, but latest\.json does not name it$/.exec(
        message,
      );
    expect(complete).not.toBeNull();
    const id = complete![1];
    // Only the manifest's removal was tried: its dump must stay beside it.
    expect(deletedKeys()).toEqual([expect.stringMatching(new RegExp(`${id}\\.json$`))]);
    expect(await store.getText(LATEST_KEY)).toBe(latest);
    expect((await catalogBackups(store)).backups.map((backup) => backup.id)).toEqual([id, firstId]);
    expect((await resolveBackup(store, id)).id).toBe(id);
    expect(await incompleteBackups(store)).toEqual([]);
  });
});

test("where deletes are allowed the same manifest failure leaves nothing at all", async () => {
  const { store } = await vaultWithOneBackup();
  const before = await keysOf(store);
  s3.failWhen(undefined);
  try {
    const noManifest = wrap(store, {
      putText: async (key, text) => {
        if (key !== LATEST_KEY) throw new Error(`writing ${key} failed: EIO (injected)`);
        await store.putText(key, text);
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: noManifest, now: later }));
    expect(message).toMatch(/failed: writing \S+\.json failed: EIO \(injected\)$/);
    expect(await keysOf(store)).toEqual(before);
    expect(await incompleteBackups(store)).toEqual([]);
  } finally {
    s3.failWhen(denyDeletes);
  }
});

describe("directory form, with deletes denied", () => {
  const directory = { format: "directory" as const, jobs: 2 };
  /** Every key under the store, directories' files included. */
  const everything = async (store: BackupStore) => {
    const keys = await keysOf(store);
    for (const d of await store.directories!()) keys.push(...(await store.list(d)).map((o) => o.key));
    return keys.sort();
  };

  test("a file whose staged size is wrong fails before the commit: every upload aborted, nothing deleted or left", async () => {
    const { store } = await vaultWithOneBackup();
    const before = await everything(store);
    let staged = 0;
    const lying = wrap(store, {
      stage: async (k, b, s) => {
        const object = await store.stage(k, b, s);
        return ++staged === 2 ? { ...object, bytes: object.bytes + 1 } : object;
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: lying, now: later, ...directory }));
    expect(message).toMatch(/failed: the store staged \d+ bytes of \S+\/\S+ but the file has \d+$/);
    expect(await everything(store)).toEqual(before);
    expect(await s3.listMultipartUploads()).toEqual([]);
    expect(deletes).toEqual([]);
    expect(aborts.length).toBeGreaterThanOrEqual(2);
  });

  test("pg_dump killed: the staged uploads are aborted, nothing is deleted or left", async () => {
    const { store } = await vaultWithOneBackup();
    const before = await everything(store);
    const env = { ...process.env, BLOOM_DR_PG_BIN: killedPgDump };
    const message = await failure(runBackup({ dbUrl: ownerUrl, store, env, now: later, ...directory }));
    expect(message).toMatch(/failed: pg_dump was killed by SIGKILL$/);
    expect(await everything(store)).toEqual(before);
    expect(await s3.listMultipartUploads()).toEqual([]);
    expect(deletes).toEqual([]);
  });

  test("the manifest cannot be written and the files cannot be removed: the error names the directory, nothing takes it for a backup", async () => {
    const { store, firstId } = await vaultWithOneBackup();
    const latest = await store.getText(LATEST_KEY);
    const noManifest = wrap(store, {
      putText: async (key, text) => {
        if (key !== LATEST_KEY) throw new Error(`writing ${key} failed: EIO (injected)`);
        await store.putText(key, text);
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: noManifest, now: later, ...directory }));
    const orphan =
      /; (\S+)\/ \((\d+) files\) stays in s3:\/\/bloom-vault-locked\/denied-\d+ without a manifest \(the store refused to remove it: removing \S+ from \S+ failed: InternalError: injected fault\): it is not a backup, no catalog, restore or latest\.json uses it, and the vault's lifecycle expires it$/.exec(
        message,
      );
    expect(message).toMatch(/^backup of 127\.0\.0\.1:\d+\/source failed: writing \S+\.json failed: EIO \(injected\); /);
    expect(orphan).not.toBeNull();
    const id = orphan![1];
    // one refused delete is enough to know the store refuses them all
    expect(deletedKeys()).toHaveLength(1);
    expect((await store.list(id)).length).toBe(Number(orphan![2]));
    expect(await store.getText(LATEST_KEY)).toBe(latest);
    expect((await catalogBackups(store)).backups.map((backup) => backup.id)).toEqual([firstId]);
    await expect(resolveBackup(store, id)).rejects.toThrow(`manifest ${id}.json not found`);
    expect(await incompleteBackups(store)).toEqual([
      {
        id,
        key: `${id}/`,
        bytes: expect.any(Number),
        reason: `no manifest ${id}.json: the backup failed before it was complete`,
      },
    ]);
  });

  test("latest.json cannot be written and nothing can be removed: the directory backup is complete, restorable by id", async () => {
    const { store, firstId } = await vaultWithOneBackup();
    const latest = await store.getText(LATEST_KEY);
    const noLatest = wrap(store, {
      putText: async (key, text) => {
        if (key === LATEST_KEY) throw new Error(`writing ${key} failed: EIO (injected)`);
        await store.putText(key, text);
      },
    });
    const message = await failure(runBackup({ dbUrl: ownerUrl, store: noLatest, now: later, ...directory }));
    const complete =
      /; backup (\S+) is nonetheless complete in \S+ \(the store refused to remove its manifest: .*\): it is listed by bloom-dr backups and restorable by id, but latest\.json does not name it$/.exec(
        message,
      );
    expect(complete).not.toBeNull();
    const id = complete![1];
    expect(deletedKeys()).toEqual([expect.stringMatching(new RegExp(`${id}\\.json$`))]);
    expect(await store.getText(LATEST_KEY)).toBe(latest);
    expect((await catalogBackups(store)).backups.map((backup) => backup.id)).toEqual([id, firstId]);
    expect((await resolveBackup(store, id)).dump.format).toBe("directory");
    expect(await incompleteBackups(store)).toEqual([]);
  });
});
