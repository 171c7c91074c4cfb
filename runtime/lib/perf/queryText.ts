/**
 * Reading query text without a SQL parser: shortening for display, and the columns a query
 * filters or joins a table on, for the CREATE INDEX line to review. The column guess is checked
 * against the table's real columns, so a misread only ever leaves a column out.
 */

const DISPLAY_LIMIT = 160;

/** Whitespace collapsed to single spaces, at most 160 characters. */
export function shortenQuery(query: string, limit = DISPLAY_LIMIT): string {
  const flat = query.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

/** Keywords that end a WHERE or ON condition. */
const CONDITION_END =
  /\b(group\s+by|order\s+by|limit|offset|returning|having|window|union|intersect|except|for\s+update|for\s+share|join|left|right|inner|full|cross|where|on\s+conflict)\b/i;

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** `[alias.]column` followed by a comparison: =, <>, <, >, IN, LIKE, BETWEEN, IS, = ANY. */
const COMPARED = new RegExp(
  String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s*(?:=|<>|!=|<=|>=|<|>|\bin\b|\bnot\s+in\b|\blike\b|\bilike\b|\bbetween\b|\bis\b)`,
  "gi",
);

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier.toLowerCase();
}

/** Whether the query reads the table: FROM / JOIN / UPDATE / INTO `[schema.]table`. */
export function mentionsTable(query: string, schema: string, table: string): boolean {
  const names = new RegExp(String.raw`\b(?:from|join|update|into)\s+(?:(${IDENT})\s*\.\s*)?(${IDENT})`, "gi");
  for (const m of query.matchAll(names)) {
    const s = m[1] ? unquote(m[1]) : undefined;
    if (unquote(m[2]) === table && (s === undefined || s === schema)) return true;
  }
  return false;
}

/** The text of every WHERE and ON condition, each cut at the next clause. */
export function conditions(query: string): string[] {
  const out: string[] = [];
  const starts = /\b(where|on)\b/gi;
  for (const m of query.matchAll(starts)) {
    const rest = query.slice(m.index! + m[0].length);
    const end = rest.search(CONDITION_END);
    out.push(end === -1 ? rest : rest.slice(0, end));
  }
  return out;
}

/**
 * Columns of `table` that the query compares in its WHERE / ON conditions, in order of first
 * appearance; only names that are real columns of the table count.
 */
export function filterColumns(query: string, schema: string, table: string, columns: readonly string[]): string[] {
  if (!mentionsTable(query, schema, table)) return [];
  const known = new Set(columns);
  const found: string[] = [];
  for (const condition of conditions(query)) {
    for (const m of condition.matchAll(COMPARED)) {
      const column = unquote(m[2]);
      if (known.has(column) && !found.includes(column)) found.push(column);
    }
  }
  return found;
}
