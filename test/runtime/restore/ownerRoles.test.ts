import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { verifyDatabase } from "../../../runtime/lib/integrity/verify";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { BackupStore } from "../../../runtime/lib/store/types";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { createFixtureDatabase, sequencePositions } from "./fixture";

/**
 * The engine as it runs in production: as the owner role of the database (Neon's owner role, the
 * RDS master user), never a superuser. The source belongs to one such role; the restore target
 * to another, as when the failover database has its own master user.
 */
let cluster: LocalCluster;
let source: OwnerRole;
let target: OwnerRole;
let sourceUrl: string;
let store: BackupStore;
let dir: string;
let backupId: string;

beforeAll(async () => {
  cluster = await startTestCluster("owner-roles");
  [source, target] = [await createOwnerRole(cluster, "prod_owner"), await createOwnerRole(cluster, "dr_owner")];
  sourceUrl = await createOwnedDatabase(cluster, source, "bloom");
  await createFixtureDatabase(sourceUrl);
  // a trusted extension, which an owner may create (and the restore must recreate)
  await query(
    sourceUrl,
    "CREATE EXTENSION citext; CREATE TABLE public.tags (name citext PRIMARY KEY); INSERT INTO tags VALUES ('Vip'), ('new')",
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-owner-roles-"));
  store = openStore(path.join(dir, "store"));
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Roles owning the tables, sequences and views of the Bloom schemas. */
async function relationOwners(url: string): Promise<string[]> {
  const rows = await query<{ owner: string }>(
    url,
    `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('public', 'audit') ORDER BY 1`,
  );
  return rows.map((r) => r.owner);
}

test("backup as the source's owner role", async () => {
  const result = await runBackup({ dbUrl: sourceUrl, store, label: "owner" });
  backupId = result.id;
  expect(result.manifest.tables).toMatchObject({ "public.tags": 2, "public.payments": 1800, "audit.events": 50 });
});

test("restore into an empty database owned by another non-superuser, as that role: identical, owned by it", async () => {
  const url = await createOwnedDatabase(cluster, target, "restored");
  const result = await runRestore({ store, backup: backupId, targetUrl: url });
  expect(result.schema?.matches).toBe(true);
  expect(await tableDigests(url)).toEqual(await tableDigests(sourceUrl));
  expect(await sequencePositions(url)).toEqual(await sequencePositions(sourceUrl));
  expect(await relationOwners(url)).toEqual(["dr_owner"]);
});

test("restore --clean over the role's non-empty database, as that role", async () => {
  const url = await createOwnedDatabase(cluster, target, "dirty");
  await query(
    url,
    "CREATE EXTENSION pg_trgm; CREATE TABLE public.stray (x int); CREATE SCHEMA old; CREATE VIEW old.v AS SELECT 1 AS one",
  );
  const dropped: string[][] = [];
  await runRestore({ store, backup: backupId, targetUrl: url, clean: true, onClean: (s) => dropped.push(s) });
  expect(dropped).toEqual([["old", "public"]]);
  expect(await tableDigests(url)).toEqual(await tableDigests(sourceUrl));
  const [publicSchema] = await query<{ owner: string }>(
    url,
    "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'public'",
  );
  expect(publicSchema.owner).toBe("pg_database_owner");
});

test("verify with the backup's manifest, as the target's owner: clean, amcheck skipped with the reason", async () => {
  const url = await createOwnedDatabase(cluster, target, "verified");
  const restored = await runRestore({ store, backup: backupId, targetUrl: url });
  const result = await verifyDatabase({ dbUrl: url, manifest: restored.manifest });
  expect(result.findings).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.checked).toMatchObject({ foreignKeys: 5, tables: 7, amcheck: false });
  expect(result.notes).toEqual([
    expect.stringMatching(/^amcheck skipped: could not create the extension temporarily \(permission denied/),
  ]);

  await query(url, "DELETE FROM payments WHERE id <= 3");
  const after = await verifyDatabase({ dbUrl: url, manifest: restored.manifest, amcheck: false });
  expect(after.findings.map((f) => [f.check, f.object])).toEqual([["row-count", "public.payments"]]);
});
