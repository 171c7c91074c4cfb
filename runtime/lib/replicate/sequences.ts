import type { Client } from "pg";
import { MARKER_SCHEMA } from "../promote/markerSchema";

/**
 * Logical replication carries rows, not sequence positions: on the replica every sequence is where
 * the schema copy left it (its start), while the rows carry ids the source's sequences handed out.
 * At promotion each sequence is set past both what the source's sequence had reached (when the
 * source can be read) and the largest value in every column it feeds (identity, serial, or a
 * nextval default), so the app's next insert never collides with a replicated row.
 */

/** Every user sequence's last value on the source (null when never used or not readable by the role). */
export async function sourceSequencePositions(source: Client): Promise<Record<string, string | null>> {
  const { rows } = await source.query<{ name: string; last: string | null }>(
    `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS last
       FROM pg_catalog.pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema', $1)`,
    [MARKER_SCHEMA],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.last]));
}

/** Each sequence with the columns it feeds: owned (serial, identity) or named in a default's nextval. */
const SEQUENCE_COLUMNS_SQL = `
WITH seqs AS (
  SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
   WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
), fed AS (
  SELECT d.objid AS seq, d.refobjid AS rel, d.refobjsubid AS attnum
    FROM pg_catalog.pg_depend d
   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
     AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
  UNION
  SELECT d.refobjid, ad.adrelid, ad.adnum
    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attrdef ad ON ad.oid = d.objid
   WHERE d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
)
SELECT seqs.name, seqs.increment::text, seqs.min::text, seqs.max::text,
       coalesce(json_agg(json_build_object('rel', format('%I.%I', rn.nspname, rc.relname), 'col', quote_ident(a.attname)))
                FILTER (WHERE a.attname IS NOT NULL AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)), '[]') AS columns
  FROM seqs
  LEFT JOIN fed ON fed.seq = seqs.oid
  LEFT JOIN pg_catalog.pg_class rc ON rc.oid = fed.rel AND rc.relkind IN ('r', 'p')
  LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = rc.oid AND a.attnum = fed.attnum AND NOT a.attisdropped
 GROUP BY seqs.name, seqs.increment, seqs.min, seqs.max
 ORDER BY seqs.name COLLATE "C"`;

export interface SequenceFix {
  sequence: string;
  /** The value set (the next call returns the one after it). */
  value: string;
  /** What decided it. */
  from: "source" | "columns";
}

/**
 * Sets every user sequence of the target past the source's position and its columns' extremes
 * (maximum for ascending sequences, minimum for descending ones), clamped to its bounds. A
 * sequence with neither (never used, no rows) is left alone. Runs in the caller's transaction.
 */
export async function fixSequences(
  target: Client,
  sourcePositions: Record<string, string | null> | undefined,
): Promise<SequenceFix[]> {
  const { rows } = await target.query<{
    name: string;
    increment: string;
    min: string;
    max: string;
    columns: { rel: string; col: string }[];
  }>(SEQUENCE_COLUMNS_SQL, [MARKER_SCHEMA]);
  const fixes: SequenceFix[] = [];
  for (const seq of rows) {
    const ascending = BigInt(seq.increment) > 0n;
    const pick = (a: bigint | undefined, b: bigint) =>
      a === undefined ? b : ascending ? (b > a ? b : a) : b < a ? b : a;
    let value: bigint | undefined;
    let from: SequenceFix["from"] = "columns";
    for (const { rel, col } of seq.columns) {
      const { rows: extreme } = await target.query<{ v: string | null }>(
        `SELECT ${ascending ? "max" : "min"}(${col})::text AS v FROM ${rel}`,
      );
      if (extreme[0].v !== null) value = pick(value, BigInt(extreme[0].v));
    }
    const atSource = sourcePositions?.[seq.name];
    if (atSource !== null && atSource !== undefined) {
      const sourceValue = BigInt(atSource);
      if (value === undefined || pick(value, sourceValue) !== value) from = "source";
      value = pick(value, sourceValue);
    }
    if (value === undefined) continue;
    const [min, max] = [BigInt(seq.min), BigInt(seq.max)];
    if (value < min) value = min;
    if (value > max) value = max;
    await target.query("SELECT pg_catalog.setval($1::regclass, $2::bigint, true)", [seq.name, value.toString()]);
    fixes.push({ sequence: seq.name, value: value.toString(), from });
  }
  return fixes;
}
