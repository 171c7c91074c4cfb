import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { BackupStore } from "../../../runtime/lib/store/types";
import { query, startTestCluster } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { createFixtureDatabase } from "../restore/fixture";

/** The app role's password in these tests: long enough, printable ASCII, never to be seen in any output. */
export const APP_PASSWORD = "Sup3r-S3cret_app-Pw!";

/**
 * A cluster like the production pair: the Bloom source owned by the prod owner role, and databases
 * owned by an RDS-like master (CREATEROLE CREATEDB, no superuser) that promote connects as.
 */
export interface PromoteWorld {
  cluster: LocalCluster;
  master: OwnerRole;
  sourceUrl: string;
  store: BackupStore;
  dir: string;
  /** A new, empty database owned by the master; its master URL. */
  database(name: string): Promise<string>;
  /** A backup of the source now. */
  backup(label?: string): Promise<BackupManifest>;
  /** A clock `hours` after a backup's snapshot (the database server's clock made the snapshot time). */
  after(manifest: BackupManifest, hours: number): () => Date;
  destroy(): Promise<void>;
}

export async function startPromoteWorld(name: string): Promise<PromoteWorld> {
  const cluster = await startTestCluster(name);
  const source = await createOwnerRole(cluster, "prod_owner");
  const master = await createOwnerRole(cluster, "dr_master");
  const sourceUrl = await createOwnedDatabase(cluster, source, "bloom");
  await createFixtureDatabase(sourceUrl);
  const dir = mkdtempSync(path.join(os.tmpdir(), `bloom-dr-${name}-`));
  const store = openStore(path.join(dir, "store"));
  return {
    cluster,
    master,
    sourceUrl,
    store,
    dir,
    database: (db) => createOwnedDatabase(cluster, master, db),
    backup: async (label) => (await runBackup({ dbUrl: sourceUrl, store, label })).manifest,
    after: (manifest, hours) => () => new Date(Date.parse(manifest.snapshotAt) + hours * 3_600_000),
    destroy: async () => {
      await cluster.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The URL the app uses after promote: the app role and its password on the same database. */
export function appUrl(masterUrl: string, role = "bloom_app", password = APP_PASSWORD): string {
  const url = new URL(masterUrl);
  url.username = role;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** Owners of everything in the user schemas (relations, schemas, routines, types), distinct. */
export async function userObjectOwners(url: string): Promise<string[]> {
  const rows = await query<{ owner: string }>(
    url,
    `WITH ns AS (SELECT oid, nspname, nspowner FROM pg_namespace WHERE nspname IN ('public', 'audit'))
     SELECT DISTINCT owner FROM (
       SELECT pg_get_userbyid(nspowner) AS owner FROM ns
       UNION ALL SELECT pg_get_userbyid(c.relowner) FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
        WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
       UNION ALL SELECT pg_get_userbyid(p.proowner) FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
        WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
       UNION ALL SELECT pg_get_userbyid(t.typowner) FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
     ) o ORDER BY 1`,
  );
  return rows.map((r) => r.owner);
}
