import { createHash } from "node:crypto";
import { Client } from "pg";
import { MARKER_SCHEMA } from "../promote/markerSchema";

/**
 * One line per schema object that decides what rows mean: tables, columns (type, nullability,
 * default, identity), constraints, indexes and enum labels. No OIDs and no physical attribute
 * numbers, so a database restored from a dump describes itself exactly as its source did.
 * bloom-dr's marker schema is left out: backups do not carry it.
 */
const CANONICAL_SCHEMA_SQL = `
WITH rel AS (
  SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${MARKER_SCHEMA}')
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
)
SELECT line FROM (
  SELECT 'table ' || rel.name AS line FROM rel
  UNION ALL
  SELECT format('column %s.%I %s%s%s%s%s', rel.name, a.attname, format_type(a.atttypid, a.atttypmod),
                CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END,
                CASE WHEN a.attgenerated <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END,
                coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''))
    FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = ''
  UNION ALL
  SELECT format('constraint %s %I %s', rel.name, con.conname, pg_get_constraintdef(con.oid, true))
    FROM rel JOIN pg_constraint con ON con.conrelid = rel.oid
  UNION ALL
  SELECT format('index %s %s', rel.name, pg_get_indexdef(i.indexrelid))
    FROM rel JOIN pg_index i ON i.indrelid = rel.oid
  UNION ALL
  SELECT format('enum %I.%I %s', n.nspname, t.typname, string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder))
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
   WHERE n.nspname <> '${MARKER_SCHEMA}'
   GROUP BY n.nspname, t.typname
) lines
ORDER BY line COLLATE "C"`;

/** The canonical description, one line per object (useful to show what differs). */
export async function describeSchema(client: Client): Promise<string[]> {
  // Object names in constraint and type text depend on search_path: pin it so that every
  // name comes out schema-qualified, whatever the session had set.
  await client.query("SET search_path = pg_catalog");
  try {
    const { rows } = await client.query<{ line: string }>(CANONICAL_SCHEMA_SQL);
    return rows.map((r) => r.line);
  } finally {
    await client.query("RESET search_path");
  }
}

/** sha256 (hex) of the canonical schema description. */
export async function schemaFingerprint(client: Client): Promise<string> {
  const lines = await describeSchema(client);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
