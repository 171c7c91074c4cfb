import { LocalCluster } from "../../runtime/lib/local/cluster";
import { query } from "./postgres";

/**
 * A login role like the one the engine runs as in production: Neon's owner role (a member of
 * neon_superuser) or the RDS master user (a member of rds_superuser) are not superusers. It may
 * create databases and roles, owns the databases it works on, and nothing more.
 */
export interface OwnerRole {
  name: string;
  password: string;
  /** URL of a database of the cluster, connecting as this role. */
  url(database: string): string;
}

/** Creates the role (LOGIN CREATEDB CREATEROLE, never SUPERUSER) with a password of its own. */
export async function createOwnerRole(cluster: LocalCluster, name: string): Promise<OwnerRole> {
  const password = `${name}-pw-${Math.random().toString(36).slice(2, 10)}`;
  await query(
    cluster.url(),
    `CREATE ROLE "${name}" LOGIN CREATEDB CREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS PASSWORD '${password}'`,
  );
  return {
    name,
    password,
    url: (database) =>
      `postgresql://${encodeURIComponent(name)}:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/${database}`,
  };
}

/** A new database owned by the role; returns the role's URL of it. */
export async function createOwnedDatabase(cluster: LocalCluster, owner: OwnerRole, database: string): Promise<string> {
  await query(cluster.url(), `CREATE DATABASE "${database}" OWNER "${owner.name}"`);
  return owner.url(database);
}

/** The same database URL with the role's credentials instead of the superuser's. */
export function asRole(superuserUrl: string, role: { name: string; password: string }): string {
  const url = new URL(superuserUrl);
  url.username = encodeURIComponent(role.name);
  url.password = encodeURIComponent(role.password);
  return url.toString();
}
