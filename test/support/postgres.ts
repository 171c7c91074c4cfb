import { Client } from "pg";
import { LocalCluster } from "../../runtime/lib/local/cluster";

/** Starts a throwaway cluster for a test file; pair with `await cluster.destroy()` in afterAll. */
export function startTestCluster(name: string, settings?: Record<string, string>): Promise<LocalCluster> {
  return LocalCluster.create({ name: `test-${name}`, settings });
}

/** Runs SQL against a URL and returns the rows. */
export async function query<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Creates a fresh database in the cluster and returns its URL. */
export async function createDatabase(cluster: LocalCluster, name: string): Promise<string> {
  await query(cluster.url(), `CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  return cluster.url(name);
}

// One fingerprint for product and tests: the drills compare databases with the same digest.
export { tableDigests } from "../../runtime/lib/drills/drillData";
