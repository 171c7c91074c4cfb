/**
 * Prisma's migration table, `_prisma_migrations`, read as the playbook's SEV-3 diagnosis reads
 * `npx prisma migrate status`: which migrations are applied, which failed half-way, which were
 * marked rolled back, and how to get out of a failed one.
 */
import { Client } from "pg";
import { connectDatabase } from "../backup/database";
import { quoteIdent } from "../integrity/identifiers";
import { parseConnectionUrl } from "../postgres/connectionUrl";

export const PRISMA_MIGRATIONS_TABLE = "_prisma_migrations";

export type MigrationState = "applied" | "failed" | "rolled back";

export interface PrismaMigration {
  name: string;
  state: MigrationState;
  startedAt: string;
  finishedAt: string | null;
  rolledBackAt: string | null;
  appliedStepsCount: number;
  /** First non-empty line of `logs` (Prisma's error for a failed migration), shortened. */
  logsFirstLine: string | null;
}

export interface PrismaMigrationStatus {
  /** `schema._prisma_migrations`, unquoted. */
  table: string;
  migrations: PrismaMigration[];
  applied: number;
  failed: PrismaMigration[];
  rolledBack: number;
  /** Other schemas that also hold a `_prisma_migrations` table (not read). */
  otherTables: string[];
}

const LOG_LINE_LIMIT = 200;

/** A migration row's state as Prisma decides it: rolled back wins, then finished, else failed. */
export function migrationState(row: { finishedAt: unknown; rolledBackAt: unknown }): MigrationState {
  if (row.rolledBackAt !== null && row.rolledBackAt !== undefined) return "rolled back";
  if (row.finishedAt !== null && row.finishedAt !== undefined) return "applied";
  return "failed";
}

/** The first non-empty line of a log, at most 200 characters. */
export function firstLogLine(logs: string | null): string | null {
  const line = (logs ?? "")
    .split("\n")
    .map((l) => l.trim())
    .find(Boolean);
  if (!line) return null;
  return line.length > LOG_LINE_LIMIT ? `${line.slice(0, LOG_LINE_LIMIT - 1)}…` : line;
}

/**
 * The schema whose `_prisma_migrations` Prisma uses: the URL's `?schema=` (Prisma's own
 * parameter, default `public`), else the first schema on the search path that has one, else the
 * only one there is.
 */
export function chooseMigrationsSchema(
  candidates: readonly string[],
  searchPath: readonly string[],
  urlSchema: string | undefined,
): string | undefined {
  if (urlSchema !== undefined) return candidates.includes(urlSchema) ? urlSchema : undefined;
  if (candidates.includes("public")) return "public";
  const onPath = searchPath.find((s) => candidates.includes(s));
  if (onPath) return onPath;
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Reads the migration table; undefined when the database has none (not a Prisma database). */
export async function readPrismaMigrations(
  client: Client,
  urlSchema?: string,
): Promise<PrismaMigrationStatus | undefined> {
  const { rows: found } = await client.query<{ schema: string }>(
    `SELECT n.nspname AS schema
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p')
      ORDER BY 1`,
    [PRISMA_MIGRATIONS_TABLE],
  );
  const candidates = found.map((r) => r.schema);
  const { rows: path } = await client.query<{ schemas: string[] }>(
    "SELECT pg_catalog.current_schemas(false)::text[] AS schemas",
  );
  const schema = chooseMigrationsSchema(candidates, path[0].schemas, urlSchema);
  if (schema === undefined) return undefined;
  const { rows } = await client.query<{
    name: string;
    started_at: Date;
    finished_at: Date | null;
    rolled_back_at: Date | null;
    applied_steps_count: number;
    logs: string | null;
  }>(
    `SELECT migration_name AS name, started_at, finished_at, rolled_back_at, applied_steps_count, logs
       FROM ${quoteIdent(schema)}.${quoteIdent(PRISMA_MIGRATIONS_TABLE)}
      ORDER BY started_at, migration_name`,
  );
  const migrations = rows.map((r): PrismaMigration => ({
    name: r.name,
    state: migrationState({ finishedAt: r.finished_at, rolledBackAt: r.rolled_back_at }),
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    rolledBackAt: r.rolled_back_at?.toISOString() ?? null,
    appliedStepsCount: r.applied_steps_count,
    logsFirstLine: firstLogLine(r.logs),
  }));
  return {
    table: `${schema}.${PRISMA_MIGRATIONS_TABLE}`,
    migrations,
    applied: migrations.filter((m) => m.state === "applied").length,
    failed: migrations.filter((m) => m.state === "failed"),
    rolledBack: migrations.filter((m) => m.state === "rolled back").length,
    otherTables: candidates.filter((s) => s !== schema).map((s) => `${s}.${PRISMA_MIGRATIONS_TABLE}`),
  };
}

/** Connects, reads the migration table, disconnects. */
export async function prismaMigrationStatus(dbUrl: string): Promise<PrismaMigrationStatus | undefined> {
  const urlSchema = parseConnectionUrl(dbUrl, "--db").params.schema;
  const client = await connectDatabase(dbUrl, "database");
  try {
    return await readPrismaMigrations(client, urlSchema);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The playbook's two ways out of a failed migration (SEV-3, PASO 2 and 5), as commands. Names
 * are quoted for a POSIX shell.
 */
export function resolveCommands(name: string): { rolledBack: string; applied: string } {
  const arg = shellQuote(name);
  return {
    rolledBack: `npx prisma migrate resolve --rolled-back ${arg}`,
    applied: `npx prisma migrate resolve --applied ${arg}`,
  };
}

/** Quotes one word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
