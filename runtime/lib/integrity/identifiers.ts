/**
 * Quoting of SQL identifiers and parsing of user-given table names. Every identifier that reaches
 * generated SQL goes through quoteIdent, so a table called `x"; DROP TABLE y; --` stays a name.
 */

export interface TableName {
  schema: string;
  name: string;
}

/** `a"b` → `"a""b"`: PostgreSQL's quote_ident, always quoting (case and keywords preserved). */
export function quoteIdent(identifier: string): string {
  if (identifier.includes("\0")) throw new Error(`identifier contains a NUL byte: ${JSON.stringify(identifier)}`);
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function quoteTable(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * PostgreSQL's quote_literal: doubled quotes, and the E'' form with doubled backslashes when the
 * text has a backslash, so it reads the same whatever standard_conforming_strings is. Used only for
 * names inside generated SQL; row values are quoted by the server itself (quote_nullable).
 */
export function quoteLiteral(text: string): string {
  if (text.includes("\0")) throw new Error(`literal contains a NUL byte: ${JSON.stringify(text)}`);
  const quoted = text.replace(/'/g, "''");
  return text.includes("\\") ? `E'${quoted.replace(/\\/g, "\\\\")}'` : `'${quoted}'`;
}

/** The display form used in reports and manifests: `schema.table`, unquoted. */
export function displayTable(table: TableName): string {
  return `${table.schema}.${table.name}`;
}

/**
 * Parses what a user typed in --tables: `table` (schema public), `schema.table`, or either part in
 * double quotes (`"My Schema"."a.b"`) as in SQL. Unquoted parts are taken verbatim (not folded to
 * lower case) because the catalog lookup is exact; a wrong name is reported as unknown.
 */
export function parseTableName(input: string, defaultSchema = "public"): TableName {
  const parts: string[] = [];
  let i = 0;
  const text = input.trim();
  if (!text) throw new Error(`empty table name in --tables: give names like "reservations" or "public.reservations"`);
  while (i < text.length) {
    let part = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`table name ${JSON.stringify(input)} has an unterminated double quote`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ".") part += text[i++];
    }
    if (!part) throw new Error(`table name ${JSON.stringify(input)} has an empty part: use "table" or "schema.table"`);
    parts.push(part);
    if (i < text.length) {
      if (text[i] !== ".")
        throw new Error(`table name ${JSON.stringify(input)} has text after a quoted part: use "schema"."table"`);
      i++;
      if (i >= text.length) throw new Error(`table name ${JSON.stringify(input)} ends with a dot`);
    }
  }
  if (parts.length > 2)
    throw new Error(`table name ${JSON.stringify(input)} has more than two parts: use "table" or "schema.table"`);
  return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { schema: defaultSchema, name: parts[0] };
}

/** Splits a --tables value ("a, b,public.c") into parsed names; duplicates are an error. */
export function parseTableList(list: string): TableName[] {
  const names = splitOutsideQuotes(list).map((t) => parseTableName(t));
  const seen = new Set<string>();
  for (const t of names) {
    const key = displayTable(t);
    if (seen.has(key)) throw new Error(`table ${key} is listed twice in --tables`);
    seen.add(key);
  }
  if (names.length === 0) throw new Error(`--tables is empty: give names like "reservations,clients"`);
  return names;
}

function splitOutsideQuotes(list: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of list) {
    if (ch === '"') quoted = !quoted;
    if (ch === "," && !quoted) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out.filter((t) => t.trim() !== "");
}
