import { Client } from "pg";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { query, startTestCluster } from "../../support/postgres";
import { createOwnedDatabase, OwnerRole } from "../../support/roles";
import { createFixtureDatabase } from "../restore/fixture";

/** The app role's password in these tests. */
export const APP_PASSWORD = "Replica-app_Passw0rd!";

/** Prisma's own table, as `prisma migrate deploy` creates it, with one finished migration. */
export const PRISMA_HISTORY_SQL = `
CREATE TABLE "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);
INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
  VALUES ('00000000-0000-4000-8000-000000000001', 'c0ffee', '2025-01-01T00:00:00Z', '20250101000000_init', 1);`;

/**
 * A Neon-like primary and an RDS-like replica on two local clusters. The source is the Bloom
 * fixture (a second schema, a domain, a standalone sequence, a trigger writing another table,
 * Prisma's migration table) owned by `neon_owner`, a non-superuser with REPLICATION as Neon
 * creates its roles once logical replication is on: setup connects to the source as that role.
 * The target's subscription steps need a superuser on PostgreSQL 15 (CREATE/ALTER/DROP
 * SUBSCRIPTION; RDS grants them to its master through rds_superuser, 16+ to pg_create_subscription),
 * so the target URL is the cluster superuser's; `master` is a non-superuser CREATEDB CREATEROLE
 * role for what needs none.
 */
export interface ReplicaWorld {
  source: LocalCluster;
  target: LocalCluster;
  owner: OwnerRole;
  /** The Bloom database on the source, as neon_owner. */
  sourceUrl: string;
  /** A new empty database on the target; its superuser URL. */
  replicaDatabase(name: string): Promise<string>;
  destroy(): Promise<void>;
}

export async function startReplicaWorld(name: string): Promise<ReplicaWorld> {
  const [source, target] = await Promise.all([
    startTestCluster(`${name}-src`, { wal_level: "logical" }),
    startTestCluster(`${name}-dst`),
  ]);
  const password = `neon-owner-pw-${Math.random().toString(36).slice(2, 10)}`;
  await query(source.url(), `CREATE ROLE neon_owner LOGIN CREATEDB CREATEROLE REPLICATION PASSWORD '${password}'`);
  const owner: OwnerRole = {
    name: "neon_owner",
    password,
    url: (db) => `postgresql://neon_owner:${encodeURIComponent(password)}@127.0.0.1:${source.port}/${db}`,
  };
  const sourceUrl = await createOwnedDatabase(source, owner, "bloom");
  await createFixtureDatabase(sourceUrl);
  await query(sourceUrl, PRISMA_HISTORY_SQL);
  return {
    source,
    target,
    owner,
    sourceUrl,
    replicaDatabase: async (db) => {
      await query(target.url(), `CREATE DATABASE ${db}`);
      return target.url(db);
    },
    destroy: async () => {
      await Promise.all([source.destroy(), target.destroy()]);
    },
  };
}

/** The same database as the app role. */
export function asApp(url: string, role = "bloom_app", password = APP_PASSWORD): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * The app writing to the primary: one client a transaction (autocommit), explicit ids above the
 * fixture's, recording each id once its COMMIT was acknowledged. Stops on `stop()` or at the first
 * error (the primary went away), and says which ids were committed and which one was in flight.
 */
export class Writer {
  readonly committed: number[] = [];
  inFlight: number | undefined;
  error: string | undefined;
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(url: string, firstId: number) {
    this.done = this.run(url, firstId);
  }

  private async run(url: string, firstId: number): Promise<void> {
    const client = new Client({ connectionString: url });
    client.on("error", () => undefined);
    await client.connect();
    try {
      for (let id = firstId; !this.stopping; id++) {
        this.inFlight = id;
        try {
          await client.query(
            `INSERT INTO clients (id, clinic_id, full_name) VALUES ($1::bigint, (SELECT min(id) FROM clinics), 'writer ' || $1::text)`,
            [id],
          );
        } catch (err) {
          this.error = (err as Error).message;
          return;
        }
        this.committed.push(id);
        this.inFlight = undefined;
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Resolves once at least `n` rows are committed; throws if the writer failed first. */
  async waitFor(n: number): Promise<void> {
    while (this.committed.length < n && this.error === undefined && !this.stopping)
      await new Promise((r) => setTimeout(r, 10));
    if (this.committed.length < n)
      throw new Error(`the writer stopped after ${this.committed.length} rows: ${this.error}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  /** Resolves when the writer ended by itself (an error). */
  finished(): Promise<void> {
    return this.done;
  }
}

/** Ids of `clients` among `ids` present in the database. */
export async function presentIds(url: string, ids: readonly number[]): Promise<Set<number>> {
  const rows = await query<{ id: string }>(url, "SELECT id FROM clients WHERE id = ANY($1::bigint[])", [ids]);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Replication slots on the source cluster. */
export async function slotsOn(cluster: LocalCluster): Promise<{ slot_name: string; active: boolean }[]> {
  return query(cluster.url(), "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1");
}
