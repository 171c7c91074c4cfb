import { Client } from "pg";
import { type BackupManifest, countsTablesAlone } from "../backup/manifest";
import { redactSecrets } from "../postgres/connectionUrl";
import { runAmcheck } from "./amcheck";
import { listBtreeIndexes, listConstraints, listForeignKeys, listTables } from "./catalog";
import { displayTable, quoteTable } from "./identifiers";
import {
  exactCountSql,
  formatKey,
  orphanCountSql,
  orphanFixSql,
  reindexSql,
  validateConstraintSql,
} from "./sqlBuilders";

/** One problem `verify` found, with the SQL a person would review to fix it (never executed). */
export interface Finding {
  check: "orphan-rows" | "constraint-not-valid" | "index-corrupt" | "row-count";
  /** The object concerned: a constraint, index or table, schema-qualified. */
  object: string;
  detail: string;
  fixSql?: string;
}

export interface VerifyResult {
  ok: boolean;
  findings: Finding[];
  checked: { foreignKeys: number; constraints: number; indexes: number; tables: number; amcheck: boolean };
  /** Checks that were skipped and why (e.g. amcheck not available on this server). */
  notes: string[];
}

export interface VerifyOptions {
  dbUrl: string;
  /** When given, exact row counts are compared with the ones recorded in this backup. */
  manifest?: BackupManifest;
  /** The store that holds `manifest` (its describe(), which carries no secret), for the restore command in row-count fixes. */
  store?: string;
  /** Run amcheck when possible (default true). */
  amcheck?: boolean;
}

const CONSTRAINT_KINDS: Record<string, string> = {
  f: "foreign key",
  c: "check",
  n: "not-null",
  p: "primary key",
  u: "unique",
  x: "exclusion",
};

/** The restore command a person can paste: names the store so it runs as is (URL is theirs to fill in). */
export function restoreCommandFor(store: string | undefined, backupId: string): string {
  const storeArg =
    store === undefined ? "STORE" : /^[\w@%+=:,./-]+$/.test(store) ? store : `'${store.replace(/'/g, `'\\''`)}'`;
  return `bloom-dr restore --store ${storeArg} --backup ${backupId} --target URL`;
}

/**
 * Integrity checks of a database; read-only: the fixes are returned, never run. Foreign keys,
 * constraint validity and row counts are read in one REPEATABLE READ snapshot so that they agree
 * with each other; amcheck runs afterwards in its own rolled-back transaction.
 */
export async function verifyDatabase(options: VerifyOptions): Promise<VerifyResult> {
  const client = new Client({ connectionString: options.dbUrl });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      redactSecrets(
        `cannot connect to the database to verify: ${(err as Error).message}; check --db and that the server is reachable`,
        [options.dbUrl],
      ),
    );
  }
  const findings: Finding[] = [];
  const notes: string[] = [];
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const foreignKeys = await listForeignKeys(client);
    for (const fk of foreignKeys) {
      const { rows } = await client.query(orphanCountSql(fk));
      const orphans = Number(rows[0].orphans);
      if (orphans === 0) continue;
      const sample = (rows[0].sample as unknown[]).map(formatKey).join(", ");
      findings.push({
        check: "orphan-rows",
        object: `${displayTable(fk.child)}.${fk.constraint}`,
        detail: `${orphans} row(s) of ${displayTable(fk.child)} (${fk.childColumns.join(", ")}) reference no row of ${displayTable(fk.parent)} (${fk.parentColumns.join(", ")}); e.g. ${sample}`,
        fixSql: orphanFixSql(fk),
      });
    }
    const constraints = await listConstraints(client);
    for (const c of constraints.filter((c) => !c.validated)) {
      findings.push({
        check: "constraint-not-valid",
        object: `${displayTable(c.owner)}.${c.constraint}`,
        detail: `${CONSTRAINT_KINDS[c.type] ?? c.type} constraint ${c.constraint} on ${c.ownerKind} ${displayTable(c.owner)} is NOT VALID: existing rows were never checked against it`,
        fixSql: validateConstraintSql(c),
      });
    }
    const tables = await listTables(client);
    let tablesCompared = 0;
    if (options.manifest) {
      // Counted as the backup counted them: each table alone in format 2 (leaf partitions, never
      // their parents: every row once), with descendants in format 1, as a restore validates.
      const only = countsTablesAlone(options.manifest);
      const partitioned = new Set(Object.keys(options.manifest.partitions ?? {}));
      const byKey = new Map(tables.map((t) => [t.manifestKey, t]));
      for (const [key, expected] of Object.entries(options.manifest.tables)) {
        const table = byKey.get(key);
        tablesCompared++;
        if (!table) {
          findings.push({
            check: "row-count",
            object: key,
            detail: `table ${key} is in backup ${options.manifest.id} (${expected} rows) but not in the database`,
          });
          continue;
        }
        const actual = Number((await client.query(exactCountSql(table, { only }))).rows[0].n);
        if (actual !== expected) {
          findings.push({
            check: "row-count",
            object: key,
            detail: `${key} has ${actual} rows; backup ${options.manifest.id} recorded ${expected} (${actual > expected ? "+" : ""}${actual - expected})`,
            fixSql: `-- compare with the backup: SELECT count(*) FROM ${only ? "ONLY " : ""}${quoteTable(table)};\n-- restore it into a scratch database to diff: ${restoreCommandFor(options.store, options.manifest.id)}`,
          });
        }
      }
      const extra = tables
        .filter(
          (t) =>
            !(t.manifestKey in options.manifest!.tables) && !(only && t.partitioned && partitioned.has(t.manifestKey)),
        )
        .map((t) => t.manifestKey);
      if (extra.length) notes.push(`not in backup ${options.manifest.id} (created after it?): ${extra.join(", ")}`);
    }
    await client.query("COMMIT");

    const indexes = await listBtreeIndexes(client);
    let amcheckRan = false;
    if (options.amcheck === false) notes.push("amcheck skipped: disabled by the caller");
    else {
      const outcome = await runAmcheck(client, indexes);
      amcheckRan = outcome.ran;
      if (outcome.reason) notes.push(outcome.reason);
      for (const failure of outcome.failures) {
        findings.push({
          check: "index-corrupt",
          object: displayTable(failure.index.index),
          detail: `amcheck failed on index ${displayTable(failure.index.index)} of ${displayTable(failure.index.table)}: ${failure.message}`,
          fixSql: reindexSql(failure.index.index),
        });
      }
    }
    return {
      ok: findings.length === 0,
      findings,
      checked: {
        foreignKeys: foreignKeys.length,
        constraints: constraints.length,
        indexes: amcheckRan ? indexes.length : 0,
        tables: options.manifest ? tablesCompared : tables.length,
        amcheck: amcheckRan,
      },
      notes,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
