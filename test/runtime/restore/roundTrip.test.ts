import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { toolVersion } from "../../../runtime/lib/backup/pgDump";
import { findPostgresBinaries } from "../../../runtime/lib/postgres/binaries";
import { listBackups, resolveBackup } from "../../../runtime/lib/catalog";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { BackupStore } from "../../../runtime/lib/store/types";
import { createDatabase, query, startTestCluster, tableDigests } from "../../support/postgres";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { createFixtureDatabase, sequencePositions } from "./fixture";

let cluster: LocalCluster;
let s3: TestS3Server;
let sourceUrl: string;
let dir: string;
let tempDir: string;
const stores: Record<string, () => BackupStore> = {};

beforeAll(async () => {
  [cluster, s3] = await Promise.all([startTestCluster("round-trip"), startS3Server()]);
  sourceUrl = await createDatabase(cluster, "source");
  await createFixtureDatabase(sourceUrl);
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-rt-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-rt-tmp-"));
  stores.file = () => openStore(path.join(dir, "backups"));
  stores.s3 = () => openStore(`s3://${s3.bucket}/bloom/prod`, { env: s3.env });
});
afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop()]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(tempDir, { recursive: true, force: true });
});

describe.each(["file", "s3"])("through the %s store", (kind) => {
  test("backup then restore: every table, sequence, view, function and trigger identical", async () => {
    const store = stores[kind]();
    const progress: number[] = [];
    const backup = await runBackup({
      dbUrl: sourceUrl,
      store,
      label: `rt-${kind}`,
      onProgress: (p) => progress.push(p.bytes),
    });
    const m = backup.manifest;
    expect(m.label).toBe(`rt-${kind}`);
    expect(m.dump.bytes).toBeGreaterThan(10_000);
    expect(progress[progress.length - 1]).toBe(m.dump.bytes);
    expect(m.tables).toEqual({
      "audit.events": 50,
      "public.clients": 600,
      "public.clinics": 2,
      "public.payments": 1800,
      "public.reservations": 2400,
      "public.users": 5,
    });
    const [server] = await query<{ version: string; num: string }>(
      sourceUrl,
      "SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num",
    );
    expect(m.source).toEqual({
      host: "127.0.0.1",
      port: cluster.port,
      database: "source",
      serverVersion: server.version.split(" ")[0],
      serverMajor: Math.floor(Number(server.num) / 10000),
    });
    // the pg_dump the engine finds (the newest installed), whatever the server's version
    expect(m.pgDumpVersion).toBe(await toolVersion(findPostgresBinaries(["pg_dump"]).path("pg_dump")));
    expect(JSON.stringify(m)).not.toContain(cluster.password);
    expect(Date.parse(m.startedAt)).toBeLessThanOrEqual(Date.parse(m.snapshotAt));
    expect(Date.parse(m.snapshotAt)).toBeLessThanOrEqual(Date.parse(m.finishedAt));

    const targetUrl = await createDatabase(cluster, `target_${kind}`);
    const phases: string[] = [];
    const result = await runRestore({
      store,
      backup: "latest",
      targetUrl,
      jobs: 2,
      tempDir,
      onPhase: (p, s) => phases.push(`${p}:${s}`),
    });
    expect(phases).toEqual([
      "connect:start",
      "connect:done",
      "download:start",
      "download:done",
      "restore:start",
      "restore:done",
      "validate:start",
      "validate:done",
    ]);
    const { connectMs, downloadMs, restoreMs, validateMs } = result.phases;
    expect(connectMs + downloadMs + restoreMs + validateMs).toBeCloseTo(result.totalMs, 6);
    expect(result.manifest.id).toBe(backup.id);
    expect(result.tables["public.payments"]).toEqual({ expected: 1800, actual: 1800 });
    expect(Object.keys(result.tables)).toHaveLength(6);
    expect(result.schema?.matches).toBe(true);
    expect(result.phases.thenMs).toBeUndefined();
    expect(readdirSync(tempDir)).toEqual([]);

    expect(await tableDigests(targetUrl)).toEqual(await tableDigests(sourceUrl));
    expect(await sequencePositions(targetUrl)).toEqual(await sequencePositions(sourceUrl));
    const [next] = await query<{ n: string }>(targetUrl, "SELECT nextval('public.invoice_no') AS n");
    expect(next.n).toBe("1007");
    const [view] = await query<{ n: string }>(targetUrl, "SELECT count(*) AS n FROM audit.big_payments");
    const [srcView] = await query<{ n: string }>(sourceUrl, "SELECT count(*) AS n FROM audit.big_payments");
    expect(view.n).toBe(srcView.n);
    const [rev] = await query<{ r: string }>(targetUrl, "SELECT public.clinic_revenue(1) AS r");
    const [srcRev] = await query<{ r: string }>(sourceUrl, "SELECT public.clinic_revenue(1) AS r");
    expect(rev.r).toBe(srcRev.r);
    // identity continues after the restored maximum, and the trigger still fires
    const [inserted] = await query<{ id: string }>(
      targetUrl,
      "INSERT INTO payments (reservation_id, amount, paid_at) VALUES (1, 42, now()) RETURNING id",
    );
    expect(inserted.id).toBe("1801");
    const [audit] = await query<{ id: string; payload: { payment: number } }>(
      targetUrl,
      "SELECT id, payload FROM audit.events ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ id: "51", payload: { payment: 1801 } });
    const [touched] = await query<{ changed: boolean }>(
      targetUrl,
      "WITH u AS (UPDATE reservations SET price = price WHERE id = 1 RETURNING updated_at) SELECT updated_at > '2025-01-01' AS changed FROM u",
    );
    expect(touched.changed).toBe(true);
  });

  test("the catalog lists complete backups newest first and latest names the newest", async () => {
    const store = stores[kind]();
    const before = (await listBackups(store)).map((m) => m.id);
    const second = await runBackup({ dbUrl: sourceUrl, store });
    const third = await runBackup({ dbUrl: sourceUrl, store });
    const ids = (await listBackups(store)).map((m) => m.id);
    expect(ids).toEqual([third.id, second.id, ...before]);
    expect((await resolveBackup(store, "latest")).id).toBe(third.id);
    expect((await resolveBackup(store, second.id)).dump.sha256).toBe(second.manifest.dump.sha256);
    expect(JSON.parse((await store.getText(LATEST_KEY))!)).toMatchObject({
      id: third.id,
      manifest: `${third.id}.json`,
    });
    // an explicit older id restores that backup
    const targetUrl = await createDatabase(cluster, `older_${kind}`);
    const result = await runRestore({ store, backup: second.id, targetUrl, tempDir });
    expect(result.manifest.id).toBe(second.id);
  });
});

test("clean restore replaces a target that has other objects, data and dependants; then runs with DATABASE_URL", async () => {
  const store = stores.file();
  const targetUrl = await createDatabase(cluster, "dirty");
  await createFixtureDatabase(targetUrl);
  await query(
    targetUrl,
    "DELETE FROM payments WHERE id > 100; CREATE TABLE public.stray (x int); CREATE VIEW public.depends AS SELECT * FROM clients",
  );

  await expect(runRestore({ store, backup: "latest", targetUrl, tempDir })).rejects.toThrow(
    /^refusing to restore into 127\.0\.0\.1:\d+\/dirty: it is not empty \(\d+ user objects, e\.g\. table audit\.events, table public\.clients, table public\.clinics\); restore into an empty database or pass --clean/,
  );
  const [stillThere] = await query<{ n: string }>(targetUrl, "SELECT count(*) AS n FROM payments");
  expect(stillThere.n).toBe("100");

  const psql = cluster.binaries.path("psql");
  const result = await runRestore({
    store,
    backup: "latest",
    targetUrl,
    clean: true,
    tempDir,
    then: `"${psql}" "$DATABASE_URL" -q -c "CREATE TABLE public.migrated_by_then (ok boolean)"`,
  });
  expect(result.phases.thenMs).toBeGreaterThanOrEqual(0);
  const digests = await tableDigests(targetUrl);
  expect(digests["public.migrated_by_then"]).toBeDefined();
  delete digests["public.migrated_by_then"];
  expect(digests).toEqual(await tableDigests(sourceUrl));
  expect(await query(targetUrl, "SELECT 1 FROM pg_class WHERE relname IN ('stray', 'depends')")).toEqual([]);
});

test("a failing then command fails the restore with its exit code, after a validated restore", async () => {
  const targetUrl = await createDatabase(cluster, "then_fails");
  await expect(
    runRestore({ store: stores.file(), backup: "latest", targetUrl, tempDir, then: "exit 3" }),
  ).rejects.toThrow(
    /the --then command \(exit 3\) exited with code 3; the restore itself completed and was validated$/,
  );
  const [row] = await query<{ n: string }>(targetUrl, "SELECT count(*) AS n FROM payments");
  expect(row.n).toBe("1800");
});

test("latest.json only moves forward: a backup that finishes after a newer one leaves it on the newer", async () => {
  const store = openStore(path.join(dir, "forward"));
  const newer = await runBackup({ dbUrl: sourceUrl, store, now: () => new Date("2031-03-01T10:01:00Z") });
  const older = await runBackup({ dbUrl: sourceUrl, store, now: () => new Date("2031-03-01T10:00:00Z") });
  expect(newer.id).toMatch(/^20310301T100100000Z-[0-9a-f]{6}$/);
  expect(older.manifest.startedAt).toBe("2031-03-01T10:00:00.000Z");
  expect(older.id < newer.id).toBe(true);
  expect((await resolveBackup(store, "latest")).id).toBe(newer.id);
  expect((await listBackups(store)).map((m) => m.id)).toEqual([newer.id, older.id]);
});
