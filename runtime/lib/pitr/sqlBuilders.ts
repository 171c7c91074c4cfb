/**
 * Pure SQL builders for row recovery, export and import. Identifiers always go through
 * quoteIdent; types come from format_type() in the catalog; row values never appear in SQL text
 * built here (they travel as text[] parameters or are quoted by the server with quote_nullable).
 */
import { quoteIdent, quoteLiteral, quoteTable, TableName } from "../integrity/identifiers";

export interface TypedColumn {
  name: string;
  type: string;
}

const columnList = (columns: readonly TypedColumn[]) => columns.map((c) => quoteIdent(c.name)).join(", ");

/** A session-local staging table, dropped at commit or rollback. */
export function createStageSql(stage: string, columns: readonly TypedColumn[]): string {
  return `CREATE TEMP TABLE ${quoteIdent(stage)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ")}) ON COMMIT DROP`;
}

/**
 * Appends a batch to a staging table: one text[] parameter per column, each element PostgreSQL's
 * own text form of a value, cast back by the type's input function (an exact round trip).
 */
export function insertTextBatchSql(stage: string, columns: readonly TypedColumn[]): string {
  const params = columns.map((_, i) => `$${i + 1}::text[]`).join(", ");
  const aliases = columns.map((_, i) => `c${i}`).join(", ");
  const casts = columns.map((c, i) => `u.c${i}::${c.type}`).join(", ");
  return `INSERT INTO pg_temp.${quoteIdent(stage)} (${columnList(columns)}) SELECT ${casts} FROM unnest(${params}) AS u(${aliases})`;
}

/** `left."a" = right."a" AND …` over the primary key. */
export function keyMatch(left: string, right: string, key: readonly TypedColumn[]): string {
  return key.map((c) => `${left}.${quoteIdent(c.name)} = ${right}.${quoteIdent(c.name)}`).join(" AND ");
}

/** Branch keys staged on the target: how many there are and how many the target lacks. */
export function countMissingSql(stage: string, table: TableName, key: readonly TypedColumn[]): string {
  return `SELECT count(*) AS total, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ${quoteTable(table)} AS t WHERE ${keyMatch("t", "s", key)})) AS missing FROM pg_temp.${quoteIdent(stage)} AS s`;
}

/** A cursor over the staged keys that the target lacks. */
export function declareMissingKeysSql(
  cursor: string,
  stage: string,
  table: TableName,
  key: readonly TypedColumn[],
): string {
  return `DECLARE ${quoteIdent(cursor)} NO SCROLL CURSOR FOR SELECT ${key.map((c) => `s.${quoteIdent(c.name)}`).join(", ")} FROM pg_temp.${quoteIdent(stage)} AS s WHERE NOT EXISTS (SELECT 1 FROM ${quoteTable(table)} AS t WHERE ${keyMatch("t", "s", key)})`;
}

/** A cursor over every primary key of a table (unordered: the anti-join does not need order). */
export function declareAllKeysSql(cursor: string, table: TableName, key: readonly TypedColumn[]): string {
  const cols = key.map((c) => `t.${quoteIdent(c.name)}`).join(", ");
  return `DECLARE ${quoteIdent(cursor)} NO SCROLL CURSOR FOR SELECT ${cols} FROM ${quoteTable(table)} AS t`;
}

/** The full rows for a batch of keys (text[] parameters, one per key column). */
export function rowsByKeysSql(table: TableName, columns: readonly TypedColumn[], key: readonly TypedColumn[]): string {
  const params = key.map((_, i) => `$${i + 1}::text[]`).join(", ");
  const aliases = key.map((_, i) => `k${i}`).join(", ");
  const match = key.map((c, i) => `t.${quoteIdent(c.name)} = k.k${i}::${c.type}`).join(" AND ");
  return `SELECT ${columns.map((c) => `t.${quoteIdent(c.name)}`).join(", ")} FROM ${quoteTable(table)} AS t JOIN unnest(${params}) AS k(${aliases}) ON ${match}`;
}

/**
 * Copies staged rows into the table without touching rows it already has: ON CONFLICT on the
 * primary key also covers a row the application inserted meanwhile. OVERRIDING SYSTEM VALUE keeps
 * the recovered ids of GENERATED ALWAYS identity columns.
 */
export function insertFromStageSql(
  table: TableName,
  stage: string,
  columns: readonly TypedColumn[],
  key: readonly TypedColumn[],
  overriding: boolean,
): string {
  const cols = columnList(columns);
  return `INSERT INTO ${quoteTable(table)} (${cols})${overriding ? " OVERRIDING SYSTEM VALUE" : ""} SELECT ${cols} FROM pg_temp.${quoteIdent(stage)} ON CONFLICT (${columnList(key)}) DO NOTHING`;
}

/**
 * Moves a serial/identity sequence past the largest id in the table, never backwards: the next
 * nextval() would otherwise hand out an id that a recovered row already holds.
 */
export function advanceSequenceSql(table: TableName, column: string): string {
  return [
    `SELECT x.seq AS sequence, setval(x.seq::regclass, x.m) AS set_to FROM (SELECT pg_get_serial_sequence(${quoteLiteral(quoteTable(table))}, ${quoteLiteral(column)}) AS seq,`,
    ` (SELECT max(${quoteIdent(column)}) FROM ${quoteTable(table)}) AS m) AS x`,
    ` WHERE x.seq IS NOT NULL AND x.m IS NOT NULL AND x.m > coalesce(pg_sequence_last_value(x.seq::regclass), 0)`,
  ].join("");
}

/** Each row as the server-quoted literal list of an INSERT's VALUES (quote_nullable per column). */
export function exportValuesSql(
  table: TableName,
  columns: readonly TypedColumn[],
  key: readonly TypedColumn[],
): string {
  const literals = columns.map((c) => `quote_nullable(t.${quoteIdent(c.name)})`).join(", ");
  return `SELECT array_to_string(ARRAY[${literals}], ', ') AS v FROM ${quoteTable(table)} AS t ORDER BY ${key.map((c) => `t.${quoteIdent(c.name)}`).join(", ")}`;
}

/** The text around the VALUES list of every exported row of a table. */
export function exportInsertParts(
  table: TableName,
  columns: readonly TypedColumn[],
  key: readonly TypedColumn[],
  overriding: boolean,
): { prefix: string; suffix: string } {
  return {
    prefix: `INSERT INTO ${quoteTable(table)} (${columnList(columns)})${overriding ? " OVERRIDING SYSTEM VALUE" : ""} VALUES (`,
    suffix: `) ON CONFLICT (${columnList(key)}) DO NOTHING;`,
  };
}
