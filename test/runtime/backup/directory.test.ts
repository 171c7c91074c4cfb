/**
 * The directory form of a backup: pg_dump -j N under one exported snapshot, each finished file
 * staged into the store while later tables are still dumping, the manifest listing every file.
 * Round trips through both stores as a non-superuser owner role, stock pg_restore on a plain copy,
 * the default format and jobs, back-pressure, compression refusals.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { directoryDigest, DirectoryDump } from "../../../runtime/lib/backup/manifest";
import { toolVersion } from "../../../runtime/lib/backup/pgDump";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { resolveBackup } from "../../../runtime/lib/catalog";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runProgram } from "../../../runtime/lib/postgres/processes";
import { libpqEnvironment } from "../../../runtime/lib/postgres/connectionUrl";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { BackupStore } from "../../../runtime/lib/store/types";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { createFixtureDatabase } from "../restore/fixture";

let cluster: LocalCluster;
let s3: TestS3Server;
let owner: OwnerRole;
let sourceUrl: string;
let bulkUrl: string;
let dir: string;
let tempDir: string;
let counter = 0;
const stores: Record<string, () => BackupStore> = {};

beforeAll(async () => {
  [cluster, s3] = await Promise.all([startTestCluster("backup-directory"), startS3Server("bloom-vault-dir")]);
  owner = await createOwnerRole(cluster, "bloom_owner");
  sourceUrl = await createOwnedDatabase(cluster, owner, "source");
  await createFixtureDatabase(sourceUrl);
  bulkUrl = await createOwnedDatabase(cluster, owner, "bulk");
  // ~45 MB of table data (ANALYZE keeps the catalog's estimate current, as autovacuum does): the
  // default picks the directory form; its file is several 5 MiB parts
  await query(
    bulkUrl,
    "CREATE TABLE blob AS SELECT i, md5(i::text) || md5((i * 7)::text) AS data FROM generate_series(1, 400000) i; CREATE TABLE small AS SELECT 1 AS x; ANALYZE",
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-directory-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-directory-tmp-"));
  stores.file = () => openStore(path.join(dir, `store-${++counter}`));
  stores.s3 = () =>
    new S3Store({ bucket: s3.bucket, prefix: `p${++counter}`, env: s3.env, partSize: 5 * 1024 * 1024, queueSize: 2 });
});
afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop()]);
  for (const d of [dir, tempDir]) if (d) rmSync(d, { recursive: true, force: true });
});

async function bytesOf(store: BackupStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(["file", "s3"])("through the %s store", (kind) => {
  test("a directory backup lists every file with its size and sha256 and restores identically", async () => {
    const store = stores[kind]();
    const progress: number[] = [];
    const backup = await runBackup({
      dbUrl: sourceUrl,
      store,
      format: "directory",
      jobs: 2,
      tempDir,
      onProgress: (p) => progress.push(p.bytes),
    });
    const dump = backup.manifest.dump as DirectoryDump;
    expect(backup.manifest.formatVersion).toBe(2);
    expect(dump).toMatchObject({ key: backup.id, format: "directory", jobs: 2 });
    expect(backup.jobs?.used).toBe(2);
    // toc.dat and one file per table with rows, as pg_dump names them
    expect(Object.keys(dump.files)).toContain("toc.dat");
    expect(Object.keys(dump.files).filter((name) => /^\d+\.dat\.gz$/.test(name))).toHaveLength(6);
    const stored = await store.list(backup.id);
    expect(stored.map((o) => [o.key, o.size])).toEqual(
      Object.entries(dump.files).map(([name, file]) => [`${backup.id}/${name}`, file.bytes]),
    );
    for (const [name, file] of Object.entries(dump.files)) {
      const data = await bytesOf(store, `${backup.id}/${name}`);
      expect(createHash("sha256").update(data).digest("hex")).toBe(file.sha256);
    }
    expect(dump.bytes).toBe(stored.reduce((sum, o) => sum + o.size, 0));
    expect(dump.sha256).toBe(directoryDigest(dump.files));
    expect(progress[progress.length - 1]).toBe(dump.bytes);
    expect(readdirSync(tempDir)).toEqual([]);
    expect((await resolveBackup(store, "latest")).id).toBe(backup.id);

    const targetUrl = await createOwnedDatabase(cluster, owner, `target_${kind}`);
    const restored = await runRestore({ store, backup: "latest", targetUrl, jobs: 2, tempDir });
    expect(restored.reading).toEqual({ inPlace: kind === "file", tablesCountedDuringRestore: 6 });
    expect(restored.tables["public.payments"]).toEqual({ expected: 1800, actual: 1800 });
    expect(restored.schema?.matches).toBe(true);
    expect(await tableDigests(targetUrl)).toEqual(await tableDigests(sourceUrl));
    expect(readdirSync(tempDir)).toEqual([]);
  });

  test("the default: a small database is one custom stream, a larger one the directory form", async () => {
    const store = stores[kind]();
    const small = await runBackup({ dbUrl: sourceUrl, store, jobs: 2, tempDir });
    expect(small.manifest.dump.format).toBe("custom");
    expect(small.jobs?.used).toBe(1);
    const large = await runBackup({ dbUrl: bulkUrl, store, jobs: 2, tempDir });
    expect(large.manifest.dump.format).toBe("directory");
    expect(large.estimatedBytes).toBeGreaterThan(32 * 1024 * 1024);
    expect(large.manifest.tables).toEqual({ "public.blob": 400000, "public.small": 1 });
    const targetUrl = await createOwnedDatabase(cluster, owner, `bulk_target_${kind}`);
    const restored = await runRestore({ store, backup: "latest", targetUrl, jobs: 2, tempDir });
    expect(restored.tables["public.blob"]).toEqual({ expected: 400000, actual: 400000 });
  });
});

test("stock pg_restore -j reads a plain copy of the directory out of either store", async () => {
  const pgRestore = cluster.binaries.path("pg_restore");
  const fileStoreDir = path.join(dir, "stock-file");
  const fromFile = await runBackup({ dbUrl: sourceUrl, store: openStore(fileStoreDir), format: "directory" });
  const s3Store = new S3Store({ bucket: s3.bucket, prefix: "stock", env: s3.env });
  const fromS3 = await runBackup({ dbUrl: sourceUrl, store: s3Store, format: "directory", tempDir });

  // cp -r <store>/<id> <dir>
  const copies = path.join(dir, "copies");
  cpSync(path.join(fileStoreDir, fromFile.id), path.join(copies, "file"), { recursive: true });
  // what `aws s3 cp --recursive s3://bucket/stock/<id>/ <dir>` does: every object under the prefix, by name
  mkdirSync(path.join(copies, "s3"), { recursive: true });
  for (const key of await s3.listKeys(`stock/${fromS3.id}/`)) {
    const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    writeFileSync(path.join(copies, "s3", path.basename(key)), await out.Body!.transformToByteArray());
  }
  // sha256sum -c, as docs/engine.md says, against the manifest's listing
  for (const [copy, id] of [
    ["file", fromFile.id],
    ["s3", fromS3.id],
  ]) {
    const manifest = await resolveBackup(copy === "file" ? openStore(fileStoreDir) : s3Store, id);
    for (const [name, file] of Object.entries((manifest.dump as DirectoryDump).files)) {
      const data = readFileSync(path.join(copies, copy, name));
      expect(createHash("sha256").update(data).digest("hex")).toBe(file.sha256);
    }
    const targetUrl = await createOwnedDatabase(cluster, owner, `stock_${copy}`);
    await runProgram(
      pgRestore,
      ["-j", "2", "--no-owner", "--no-acl", "--exit-on-error", "-d", "stock_" + copy, path.join(copies, copy)],
      {
        env: libpqEnvironment(targetUrl),
      },
    );
    expect(await tableDigests(targetUrl)).toEqual(await tableDigests(sourceUrl));
  }
});

test("uploads that fall behind pause pg_dump, which resumes: the backup completes and restores", async () => {
  const store = stores.s3();
  const backup = await runBackup({ dbUrl: bulkUrl, store, format: "directory", jobs: 2, tempDir, maxPendingBytes: 1 });
  expect(backup.staging?.pauses).toBeGreaterThan(0);
  expect(backup.staging?.peakPendingBytes).toBeGreaterThan(0);
  expect(readdirSync(tempDir)).toEqual([]);
  const targetUrl = await createOwnedDatabase(cluster, owner, "paused_target");
  const restored = await runRestore({ store, backup: backup.id, targetUrl, tempDir });
  expect(restored.tables["public.blob"]).toEqual({ expected: 400000, actual: 400000 });
});

test("jobs are capped by the connections the source accepts (pg_dump -j N holds N + 1)", async () => {
  const backup = await runBackup({ dbUrl: sourceUrl, store: stores.file(), format: "directory", jobs: 64 });
  const { connectionsAvailable, used } = backup.jobs!;
  expect(used).toBe(connectionsAvailable - 1);
  expect(used).toBeLessThan(64);
  expect((backup.manifest.dump as DirectoryDump).jobs).toBe(used);
});

test("by default jobs are the machine's cores, capped by the source: a database CONNECTION LIMIT 5 leaves one", async () => {
  const open = await runBackup({ dbUrl: sourceUrl, store: stores.file(), format: "directory" });
  expect(open.jobs!.requested).toBe(os.availableParallelism());
  expect(open.jobs!.used).toBe(Math.max(1, Math.min(os.availableParallelism(), open.jobs!.connectionsAvailable - 1)));

  const limitedUrl = await createOwnedDatabase(cluster, owner, "limited");
  await query(
    limitedUrl,
    "CREATE TABLE t AS SELECT i FROM generate_series(1, 1000) i; ALTER DATABASE limited CONNECTION LIMIT 5",
  );
  const limited = await runBackup({ dbUrl: limitedUrl, store: stores.file(), format: "directory" });
  // 5 - the backup's own session - a margin of 2 leaves at most 2; pg_dump's leader takes one
  expect(limited.jobs!.requested).toBe(os.availableParallelism());
  expect(limited.jobs!.connectionsAvailable).toBeLessThanOrEqual(2);
  expect(limited.jobs!.used).toBe(1);
  expect((limited.manifest.dump as DirectoryDump).jobs).toBe(1);
  expect(limited.manifest.tables).toEqual({ "public.t": 1000 });
});

test("compression: what the pg_dump found supports, else a one-line refusal naming its version, before anything is written", async () => {
  const store = stores.file();
  const gzip = await runBackup({ dbUrl: sourceUrl, store, compress: "gzip:6", format: "directory" });
  expect(gzip.manifest.dump.compression).toBe("gzip:6");
  const version = await toolVersion(cluster.binaries.path("pg_dump"));
  const zstd = runBackup({ dbUrl: sourceUrl, store, compress: "zstd:3", format: "directory" });
  if (Number.parseInt(version, 10) >= 16) {
    expect((await zstd).manifest.dump.compression).toBe("zstd:3");
  } else {
    const keys = (await store.list()).map((o) => o.key);
    await expect(zstd).rejects.toThrow(
      new RegExp(
        `failed: --compress zstd:3 needs pg_dump 16 or newer, but the pg_dump found is ${version.replace(/\./g, "\\.")} \\(`,
      ),
    );
    expect((await store.list()).map((o) => o.key)).toEqual(keys);
  }
  await expect(runBackup({ dbUrl: sourceUrl, store, compress: "brotli" })).rejects.toThrow(/is not METHOD\[:LEVEL\]/);
});

test("a target refused while the dump downloads: the download stops and leaves nothing in the temp directory", async () => {
  const store = stores.s3();
  await runBackup({ dbUrl: bulkUrl, store, format: "directory", tempDir });
  const targetUrl = await createOwnedDatabase(cluster, owner, "not_empty");
  await query(targetUrl, "CREATE TABLE precious (id int)");
  await expect(runRestore({ store, backup: "latest", targetUrl, tempDir })).rejects.toThrow(
    /^refusing to restore into 127\.0\.0\.1:\d+\/not_empty: it is not empty/,
  );
  expect(readdirSync(tempDir)).toEqual([]);
  expect(await query(targetUrl, "SELECT count(*)::int AS n FROM precious")).toEqual([{ n: 0 }]);
});
