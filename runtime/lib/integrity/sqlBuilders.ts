/**
 * Pure SQL builders for the integrity checks and for the fixes `verify` proposes. Fixes are text
 * for a person to review; nothing here is executed by verify except orphanCountSql.
 */
import { ForeignKeyInfo, ConstraintInfo } from "./catalog";
import { displayTable, quoteIdent, quoteTable, TableName } from "./identifiers";

/** How many orphan keys a finding lists as examples. */
export const ORPHAN_SAMPLE_SIZE = 5;

const CHILD = "child";
const PARENT = "parent";

function relation(table: TableName, only: boolean): string {
  return `${only ? "ONLY " : ""}${quoteTable(table)}`;
}

/**
 * The rows of the child that break the key: with MATCH SIMPLE a key with any NULL column is
 * exempt, so only complete keys without a parent row count; MATCH FULL also rejects partly-NULL
 * keys. One anti-join (NOT EXISTS), which the planner runs as a hash or merge anti-join.
 */
export function orphanPredicate(fk: ForeignKeyInfo): string {
  const child = fk.childColumns.map((c) => `${CHILD}.${quoteIdent(c)}`);
  const complete = child.map((c) => `${c} IS NOT NULL`).join(" AND ");
  const match = fk.childColumns
    .map((c, i) => `${PARENT}.${quoteIdent(fk.parentColumns[i])} = ${CHILD}.${quoteIdent(c)}`)
    .join(" AND ");
  const missingParent = `${complete} AND NOT EXISTS (SELECT 1 FROM ${relation(fk.parent, fk.parentOnly)} AS ${PARENT} WHERE ${match})`;
  if (!fk.matchFull || child.length === 1) return missingParent;
  return `(${missingParent}) OR num_nulls(${child.join(", ")}) NOT IN (0, ${child.length})`;
}

/** One statement: the orphan count and up to ORPHAN_SAMPLE_SIZE distinct example keys (JSON arrays). */
export function orphanCountSql(fk: ForeignKeyInfo): string {
  const keyColumns = fk.childColumns.map(quoteIdent).join(", ");
  return [
    `WITH orphans AS MATERIALIZED (`,
    `  SELECT ${fk.childColumns.map((c) => `${CHILD}.${quoteIdent(c)}`).join(", ")}`,
    `    FROM ${relation(fk.child, fk.childOnly)} AS ${CHILD}`,
    `   WHERE ${orphanPredicate(fk)}`,
    `)`,
    `SELECT (SELECT count(*) FROM orphans) AS orphans,`,
    `       (SELECT coalesce(json_agg(json_build_array(${keyColumns})), '[]'::json) FROM (SELECT DISTINCT * FROM orphans LIMIT ${ORPHAN_SAMPLE_SIZE}) s) AS sample`,
  ].join("\n");
}

/** The fix to review: delete the orphans, or (when every key column is nullable) detach them. */
export function orphanFixSql(fk: ForeignKeyInfo): string {
  const target = `${relation(fk.child, fk.childOnly)} AS ${CHILD}`;
  const where = orphanPredicate(fk);
  const lines = [
    `-- ${fk.constraint}: rows of ${displayTable(fk.child)} whose key has no row in ${displayTable(fk.parent)}.`,
    `-- Take a backup first (bloom-dr backup) and run inside a transaction; check the count it reports.`,
    `-- Rows that other tables reference make the DELETE fail on their foreign keys: handle those first.`,
    `DELETE FROM ${target}`,
    ` WHERE ${where};`,
  ];
  if (fk.childNullable) {
    lines.push(
      `-- or keep the rows and detach them from the missing parent:`,
      `UPDATE ${target} SET ${fk.childColumns.map((c) => `${quoteIdent(c)} = NULL`).join(", ")}`,
      ` WHERE ${where};`,
    );
  }
  return lines.join("\n");
}

/** Validating a NOT VALID constraint scans the table and holds only a SHARE UPDATE EXCLUSIVE lock. */
export function validateConstraintSql(c: ConstraintInfo): string {
  const owner = c.ownerKind === "domain" ? `ALTER DOMAIN ${quoteTable(c.owner)}` : `ALTER TABLE ${quoteTable(c.owner)}`;
  return `${owner} VALIDATE CONSTRAINT ${quoteIdent(c.constraint)};`;
}

/** CONCURRENTLY keeps the table writable while the index is rebuilt (PostgreSQL ≥ 12). */
export function reindexSql(index: TableName): string {
  return `REINDEX INDEX CONCURRENTLY ${quoteTable(index)};`;
}

/** Exact row count of a table (with its partitions or inheritance children), as backups record it. */
export function exactCountSql(table: TableName, options: { only?: boolean } = {}): string {
  return `SELECT count(*)::bigint AS n FROM ${options.only ? "ONLY " : ""}${quoteTable(table)}`;
}

/** `(3, 17)` for a sample key as returned by orphanCountSql. */
export function formatKey(key: unknown): string {
  const values = Array.isArray(key) ? key : [key];
  return `(${values.map((v) => (v === null ? "NULL" : typeof v === "string" ? v : JSON.stringify(v))).join(", ")})`;
}
