/**
 * Reading a pitr export file back: a statement splitter that understands the SQL lexical rules the
 * file can contain (quoted literals, E'' escapes, quoted identifiers, dollar quotes, comments), and
 * a classifier that accepts only the statement kinds an export writes. A reviewed file may have
 * lines removed; a statement of any other kind (DELETE, UPDATE, DO UPDATE…) is refused.
 */
import { createReadStream } from "node:fs";
import { CANONICAL_SETTINGS } from "./connect";

export interface Statement {
  /** Text without the terminating semicolon and without leading comments. */
  sql: string;
  /** 1-based line where the statement starts. */
  line: number;
}

/** Splits SQL text on top-level semicolons. Throws on an unterminated quote or comment. */
export function splitStatements(text: string): Statement[] {
  return scanStatements(text, true).statements;
}

/**
 * Reads a file's statements chunk by chunk, so that a file of hundreds of MB is never held in
 * memory whole: a chunk is scanned up to its last complete statement and the rest carried over.
 */
export async function* readStatements(file: string, chunkChars = 4 << 20): AsyncGenerator<Statement> {
  let carry = "";
  let line = 1;
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: chunkChars })) {
    const text = carry + (chunk as string);
    const { statements, consumed } = scanStatements(text, false, line);
    yield* statements;
    for (let k = 0; k < consumed; k++) if (text.charCodeAt(k) === 10) line++;
    carry = text.slice(consumed);
  }
  yield* scanStatements(carry, true, line).statements;
}

/**
 * The splitter. With `final` false the text may end mid-statement: scanning stops there and
 * `consumed` says how much of the text the returned statements (and skipped comments) cover.
 */
export function scanStatements(
  text: string,
  final: boolean,
  firstLine = 1,
): { statements: Statement[]; consumed: number } {
  const out: Statement[] = [];
  let i = 0;
  let line = firstLine;
  let start = -1;
  let startLine = 0;
  const n = text.length;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text.charCodeAt(k) === 10) line++;
    i = to;
  };
  const unterminated = (what: string, at: number) =>
    new Error(`unterminated ${what} starting on line ${at}: the file is cut short or was edited by mistake`);
  /** Text ran out inside a token: an error at the end of the file, else "come back with more". */
  const incomplete = (what: string, at: number, tokenStart: number) => {
    if (final) throw unterminated(what, at);
    return { statements: out, consumed: start >= 0 ? start : tokenStart };
  };
  while (i < n) {
    const ch = text[i];
    // a token whose kind depends on the next characters must not be judged at a chunk boundary
    if (!final && (ch === "-" || ch === "/" || ch === "$") && i + 64 > n)
      return { statements: out, consumed: start >= 0 ? start : i };
    if (ch === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      if (end < 0 && !final) return incomplete("comment", line, i);
      advance(end < 0 ? n : end);
      continue;
    }
    if (ch === "/" && text[i + 1] === "*") {
      const at = line;
      let depth = 0;
      let k = i;
      while (k < n) {
        if (text[k] === "/" && text[k + 1] === "*") {
          depth++;
          k += 2;
        } else if (text[k] === "*" && text[k + 1] === "/") {
          depth--;
          k += 2;
          if (depth === 0) break;
        } else k++;
      }
      if (depth !== 0) return incomplete("comment", at, i);
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
      let closed = false;
      while (k < n) {
        if (escapes && text[k] === "\\") k += 2;
        else if (text[k] === "'" && text[k + 1] === "'") k += 2;
        else if (text[k] === "'" && (k + 1 < n || final)) {
          closed = true;
          break;
        } else if (text[k] === "'")
          break; // a quote at the very end: '' or the close? needs the next chunk
        else k++;
      }
      if (!closed) return incomplete("string literal", at, i);
      advance(k + 1);
      continue;
    }
    if (ch === '"') {
      const at = line;
      let k = i + 1;
      let closed = false;
      while (k < n) {
        if (text[k] === '"' && text[k + 1] === '"') k += 2;
        else if (text[k] === '"' && (k + 1 < n || final)) {
          closed = true;
          break;
        } else if (text[k] === '"') break;
        else k++;
      }
      if (!closed) return incomplete("quoted identifier", at, i);
      advance(k + 1);
      continue;
    }
    const dollar =
      ch === "$" && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "")
        ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64))
        : null;
    if (dollar) {
      const end = text.indexOf(dollar[0], i + dollar[0].length);
      if (end < 0) return incomplete("dollar-quoted string", line, i);
      advance(end + dollar[0].length);
      continue;
    }
    advance(i + 1);
  }
  if (start >= 0) {
    if (!final) return { statements: out, consumed: start };
    const rest = text.slice(start).trim();
    if (rest)
      throw new Error(
        `statement on line ${startLine} has no terminating semicolon: the file is cut short or was edited by mistake`,
      );
  }
  return { statements: out, consumed: n };
}

const IDENT = `"(?:[^"]|"")+"`;
const INSERT = new RegExp(`^INSERT INTO (${IDENT})\\.(${IDENT}) \\(`, "s");
const DO_NOTHING = new RegExp(`ON CONFLICT \\(${IDENT}(?:, ${IDENT})*\\) DO NOTHING$`, "s");
const SETTING = new RegExp(`^SET LOCAL (${Object.keys(CANONICAL_SETTINGS).join("|")}) = '[^'\\\\]*'$`, "i");
const SEQUENCE =
  /^SELECT x\.seq AS sequence, setval\(x\.seq::regclass, x\.m\) AS set_to FROM \(SELECT pg_get_serial_sequence\(/;

export type ClassifiedStatement =
  | { kind: "begin" | "commit" | "setting" | "sequence"; statement: Statement }
  | { kind: "insert"; table: string; statement: Statement };

const unquote = (ident: string) => ident.slice(1, -1).replace(/""/g, '"');

/** What each statement is; throws naming the line for anything an export does not write. */
export function classifyStatements(statements: readonly Statement[]): ClassifiedStatement[] {
  return statements.map(classifyStatement);
}

export function classifyStatement(statement: Statement): ClassifiedStatement {
  const { sql, line } = statement;
  if (/^BEGIN$/i.test(sql)) return { kind: "begin", statement };
  if (/^COMMIT$/i.test(sql)) return { kind: "commit", statement };
  if (SETTING.test(sql)) return { kind: "setting", statement };
  if (SEQUENCE.test(sql)) return { kind: "sequence", statement };
  const insert = INSERT.exec(sql);
  if (insert && DO_NOTHING.test(sql))
    return { kind: "insert", table: `${unquote(insert[1])}.${unquote(insert[2])}`, statement };
  const shown = sql.replace(/\s+/g, " ").slice(0, 60);
  throw new Error(
    `line ${line}: statement not allowed in a pitr import file (only INSERT … ON CONFLICT (key) DO NOTHING, setval lines, SET LOCAL of text formats, BEGIN, COMMIT): ${shown}${sql.length > 60 ? "…" : ""}`,
  );
}
