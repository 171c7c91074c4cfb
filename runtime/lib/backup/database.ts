import { Client } from "pg";
import { parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";
import { MARKER_SCHEMA } from "../promote/markerSchema";

/** Where a URL points, for messages: host:port/database, never credentials. */
export function describeDatabase(url: string): string {
  const parts = parseConnectionUrl(url);
  return `${parts.host}:${parts.port}/${parts.database}`;
}

/** Connects with `pg`; a failure becomes one line naming the database, without the password. */
export async function connectDatabase(url: string, what: string): Promise<Client> {
  const parts = parseConnectionUrl(url, what);
  // keepAlive: a session left idle while pg_restore runs (promote's, which holds the target's lock)
  // must not be dropped by a NAT or load balancer in between
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: 15_000,
    application_name: "bloom-dr",
    keepAlive: true,
  });
  client.on("error", () => undefined); // a dropped connection surfaces as the failed query instead
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const reason = (err as Error).message.split("\n")[0];
    throw new Error(
      redactSecrets(
        `cannot connect to the ${what} ${describeDatabase(url)}: ${reason}; check the URL, the user and the password`,
        [parts.password],
      ),
    );
  }
  return client;
}

export interface ServerVersion {
  /** "15.14", as the server reports it (without the distribution suffix). */
  version: string;
  major: number;
}

export async function serverVersion(client: Client): Promise<ServerVersion> {
  const { rows } = await client.query<{ num: string; text: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  const num = Number(rows[0].num);
  return { version: rows[0].text.split(" ")[0], major: Math.floor(num / 10000) };
}

/**
 * Every user table ("schema"."table" quoted as needed by format('%I.%I')), sorted; bloom-dr's own
 * marker schema is not the app's data and is left out (backups do not carry it).
 */
export async function userTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE "C"`,
    [MARKER_SCHEMA],
  );
  return rows.map((r) => r.name);
}

/** Exact row counts, one table at a time, in whatever snapshot the session is in. */
export async function countRows(client: Client, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(rows[0].n);
  }
  return out;
}
