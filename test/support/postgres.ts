import { Client } from "pg";
import { LocalCluster } from "../../runtime/lib/local/cluster";

/** Starts a throwaway cluster for a test file; pair with `await cluster.destroy()` in afterAll. */
export function startTestCluster(name: string, settings?: Record<string, string>): Promise<LocalCluster> {
  return LocalCluster.create({ name: `test-${name}`, settings });
}

/** Runs SQL against a URL and returns the rows. */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
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

/**
 * An order-independent fingerprint of every user table: md5 of its rows sorted by their text
 * form. Two databases with equal digests hold the same data, column by column.
 */
export async function tableDigests(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(
    url,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query<{ digest: string; n: string }>(
      url,
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest, count(*) AS n FROM ${name} t`,
    );
    out[name] = `${row.n}:${row.digest}`;
  }
  return out;
}
