import type { Client } from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findPostgresBinaries } from "../postgres/binaries";
import { libpqEnvironment, parseConnectionUrl } from "../postgres/connectionUrl";
import { runProgram } from "../postgres/processes";
import { MARKER_SCHEMA } from "../promote/markerSchema";
import { conninfoValue } from "../restore/pgRestore";

/**
 * Copies the source's schema (no rows: the subscription's initial copy brings those) into the
 * empty target: pg_dump --schema-only in custom format, then pg_restore in one transaction as the
 * target's role. Owners and grants are left out (the target's roles are not the source's: the
 * objects are given to the app role afterwards, as promote does), and so are publications,
 * subscriptions and bloom-dr's own schema. Passwords travel in PGPASSWORD, never in argv.
 */
export async function copySchema(options: {
  sourceUrl: string;
  targetUrl: string;
  /** The newer of the two servers' majors: pg_dump and pg_restore must be at least that. */
  minMajor: number;
  env?: NodeJS.ProcessEnv;
  tempDir?: string;
  signal?: AbortSignal;
}): Promise<void> {
  const env = options.env ?? process.env;
  const bin = findPostgresBinaries(["pg_dump", "pg_restore"], { minMajor: options.minMajor, env });
  const secrets = [
    parseConnectionUrl(options.sourceUrl).password,
    parseConnectionUrl(options.targetUrl).password,
  ].filter(Boolean);
  const dir = mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), "bloom-dr-schema-"));
  const file = path.join(dir, "schema.dump");
  try {
    await runProgram(
      bin.path("pg_dump"),
      [
        "--format=custom",
        "--schema-only",
        "--no-owner",
        "--no-acl",
        "--no-publications",
        "--no-subscriptions",
        `--exclude-schema=${MARKER_SCHEMA}`,
        "--no-password",
        `--file=${file}`,
      ],
      { env: libpqEnvironment(options.sourceUrl, env), secrets, signal: options.signal },
    );
    await runProgram(
      bin.path("pg_restore"),
      [
        `--dbname=dbname=${conninfoValue(parseConnectionUrl(options.targetUrl).database)}`,
        "--no-owner",
        "--no-acl",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        file,
      ],
      { env: libpqEnvironment(options.targetUrl, env), secrets, signal: options.signal },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies the rows of the migration history tables (Prisma's), which replication leaves out, once,
 * right after the schema: the replica then starts with the primary's history and each side's
 * migration tool keeps its own from there. Runs in the target's current transaction, if any.
 */
export async function copyMigrationHistory(source: Client, target: Client, tables: readonly string[]): Promise<number> {
  let copied = 0;
  for (const table of tables) {
    const { rows } = await source.query<{ rows: unknown[] }>(
      `SELECT coalesce(json_agg(t), '[]'::json) AS rows FROM ${table} t`,
    );
    if (rows[0].rows.length === 0) continue;
    const result = await target.query(
      `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1)`,
      [JSON.stringify(rows[0].rows)],
    );
    copied += result.rowCount ?? 0;
  }
  return copied;
}
