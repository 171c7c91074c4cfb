/**
 * Reading a pitr export file back: a statement splitter that understands the SQL lexical rules the
 * file can contain (quoted literals, E'' escapes, quoted identifiers, dollar quotes, comments), and
 * a classifier that accepts only the statement kinds an export writes. A reviewed file may have
 * lines removed; a statement of any other kind (DELETE, UPDATE, DO UPDATE…) is refused.
 */
import { CANONICAL_SETTINGS } from "./connect";

export interface Statement {
  /** Text without the terminating semicolon and without leading comments. */
  sql: string;
  /** 1-based line where the statement starts. */
  line: number;
}

/** Splits SQL text on top-level semicolons. Throws on an unterminated quote or comment. */
export function splitStatements(text: string): Statement[] {
  const out: Statement[] = [];
  let i = 0;
  let line = 1;
  let start = -1;
  let startLine = 0;
  const n = text.length;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text.charCodeAt(k) === 10) line++;
    i = to;
  };
  const unterminated = (what: string, at: number) => new Error(`unterminated ${what} starting on line ${at}: the file is cut short or was edited by mistake`);
  while (i < n) {
    const ch = text[i];
    if (ch === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      advance(end < 0 ? n : end);
      continue;
    }
    if (ch === "/" && text[i + 1] === "*") {
      const at = line;
      let depth = 0;
      let k = i;
      while (k < n) {
        if (text[k] === "/" && text[k + 1] === "*") (depth++, (k += 2));
        else if (text[k] === "*" && text[k + 1] === "/") {
          depth--;
          k += 2;
          if (depth === 0) break;
        } else k++;
      }
      if (depth !== 0) throw unterminated("comment", at);
      advance(k);
      continue;
    }
    if (/\s/.test(ch)) {
      advance(i + 1);
      continue;
    }
    if (start < 0) {
      start = i;
      startLine = line;
    }
    if (ch === ";") {
      const sql = text.slice(start, i).trim();
      if (sql) out.push({ sql, line: startLine });
      start = -1;
      advance(i + 1);
      continue;
    }
    if (ch === "'") {
      const escapes = (text[i - 1] === "E" || text[i - 1] === "e") && !/[A-Za-z0-9_$]/.test(text[i - 2] ?? "");
      const at = line;
      let k = i + 1;
      for (;;) {
        if (k >= n) throw unterminated("string literal", at);
        if (escapes && text[k] === "\\") k += 2;
        else if (text[k] === "'" && text[k + 1] === "'") k += 2;
        else if (text[k] === "'") break;
        else k++;
      }
      advance(k + 1);
      continue;
    }
    if (ch === '"') {
      const at = line;
      let k = i + 1;
      for (;;) {
        if (k >= n) throw unterminated("quoted identifier", at);
        if (text[k] === '"' && text[k + 1] === '"') k += 2;
        else if (text[k] === '"') break;
        else k++;
      }
      advance(k + 1);
      continue;
    }
    const dollar = ch === "$" && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "") ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64)) : null;
    if (dollar) {
      const end = text.indexOf(dollar[0], i + dollar[0].length);
      if (end < 0) throw unterminated("dollar-quoted string", line);
      advance(end + dollar[0].length);
      continue;
    }
    advance(i + 1);
  }
  if (start >= 0) {
    const rest = text.slice(start).trim();
    if (rest) throw new Error(`statement on line ${startLine} has no terminating semicolon: the file is cut short or was edited by mistake`);
  }
  return out;
}

const IDENT = `"(?:[^"]|"")+"`;
const INSERT = new RegExp(`^INSERT INTO (${IDENT})\\.(${IDENT}) \\(`, "s");
const DO_NOTHING = new RegExp(`ON CONFLICT \\(${IDENT}(?:, ${IDENT})*\\) DO NOTHING$`, "s");
const SETTING = new RegExp(`^SET LOCAL (${Object.keys(CANONICAL_SETTINGS).join("|")}) = '[^'\\\\]*'$`, "i");
const SEQUENCE = /^SELECT x\.seq AS sequence, setval\(x\.seq::regclass, x\.m\) AS set_to FROM \(SELECT pg_get_serial_sequence\(/;

export type ClassifiedStatement =
  | { kind: "begin" | "commit" | "setting" | "sequence"; statement: Statement }
  | { kind: "insert"; table: string; statement: Statement };

const unquote = (ident: string) => ident.slice(1, -1).replace(/""/g, '"');

/** What each statement is; throws naming the line for anything an export does not write. */
export function classifyStatements(statements: readonly Statement[]): ClassifiedStatement[] {
  return statements.map((statement) => {
    const { sql, line } = statement;
    if (/^BEGIN$/i.test(sql)) return { kind: "begin", statement };
    if (/^COMMIT$/i.test(sql)) return { kind: "commit", statement };
    if (SETTING.test(sql)) return { kind: "setting", statement };
    if (SEQUENCE.test(sql)) return { kind: "sequence", statement };
    const insert = INSERT.exec(sql);
    if (insert && DO_NOTHING.test(sql)) return { kind: "insert", table: `${unquote(insert[1])}.${unquote(insert[2])}`, statement };
    const shown = sql.replace(/\s+/g, " ").slice(0, 60);
    throw new Error(`line ${line}: statement not allowed in a pitr import file (only INSERT … ON CONFLICT (key) DO NOTHING, setval lines, SET LOCAL of text formats, BEGIN, COMMIT): ${shown}${sql.length > 60 ? "…" : ""}`);
  });
}
