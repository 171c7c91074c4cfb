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

/** What a backup counts: the tables that hold rows, and how the partitioned ones are made of them. */
export interface TableLayout {
  /** Ordinary tables and leaf partitions ("schema"."table" as format('%I.%I') writes it), sorted. */
  tables: string[];
  /** Each partitioned table (at any level) → its leaf partitions that hold rows, sorted. */
  partitions: Record<string, string[]>;
}

/**
 * The tables whose rows a backup counts, each once: ordinary tables and leaf partitions
 * (relkind 'r'), not the partitioned tables above them (their rows are their leaves'). Foreign
 * tables and foreign partitions hold no dumped rows and are left out, and so is bloom-dr's marker
 * schema (backups do not carry it). Read from the catalog only
 * (pg_inherits, not pg_partition_tree, which locks): a table locked by another session does not
 * hold the backup here.
 */
export async function tableLayout(client: Client): Promise<TableLayout> {
  const { rows } = await client.query<{ name: string; kind: string; leaves: string[] | null }>(
    `WITH RECURSIVE tree AS (
       SELECT c.oid AS root, c.oid AS relid
         FROM pg_catalog.pg_class c WHERE c.relkind = 'p'
       UNION ALL
       SELECT t.root, i.inhrelid FROM tree t JOIN pg_catalog.pg_inherits i ON i.inhparent = t.relid
     )
     SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind,
            CASE WHEN c.relkind = 'p' THEN ARRAY(
              SELECT format('%I.%I', ln.nspname, l.relname)
                FROM tree t
                JOIN pg_catalog.pg_class l ON l.oid = t.relid
                JOIN pg_catalog.pg_namespace ln ON ln.oid = l.relnamespace
               WHERE t.root = c.oid AND l.relkind = 'r'
               ORDER BY format('%I.%I', ln.nspname, l.relname) COLLATE "C") END AS leaves
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE "C"`,
    [MARKER_SCHEMA],
  );
  const layout: TableLayout = { tables: [], partitions: {} };
  for (const row of rows) {
    if (row.kind === "r") layout.tables.push(row.name);
    else layout.partitions[row.name] = row.leaves ?? [];
  }
  return layout;
}

/**
 * The planner's estimate of the data pg_dump will read: the heap and TOAST pages of every ordinary
 * table and leaf partition (indexes are not dumped), from pg_class.relpages, which autovacuum and
 * ANALYZE keep current. No lock and no file access: a table another session holds locked does not
 * stop the estimate (pg_table_size would wait for it). A table never vacuumed or analyzed since it
 * was filled counts as empty.
 */
export async function estimatedDataBytes(client: Client): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(
    `SELECT (coalesce(sum(c.relpages::bigint + coalesce(t.relpages, 0)), 0)
             * current_setting('block_size')::bigint)::bigint AS bytes
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`,
    [MARKER_SCHEMA],
  );
  return Number(rows[0].bytes);
}

export interface CountOptions {
  /** Count each table alone (`FROM ONLY`), without its inheritance children or partitions. */
  only?: boolean;
}

/** Exact row counts, one table at a time, in whatever snapshot the session is in. */
export async function countRows(
  client: Client,
  tables: readonly string[],
  options: CountOptions = {},
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = await countTable(client, table, options);
  return out;
}

/** One table's exact row count. */
export async function countTable(client: Client, table: string, options: CountOptions = {}): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${options.only ? "ONLY " : ""}${table}`,
  );
  return Number(rows[0].n);
}
