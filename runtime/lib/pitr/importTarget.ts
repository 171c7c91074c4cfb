/**
 * What a pitr export file expects of the database it is imported into, and the check that the
 * target meets it before anything runs: every table exists, has a primary key equal to the file's
 * ON CONFLICT columns, and has exactly the file's columns (less its generated ones). The file
 * records no types, so a type change that still accepts the literals is not caught here.
 */
import type { ClientBase } from "pg";
import { displayTable, TableName } from "../integrity/identifiers";
import { RefusedError } from "./plan";
import { describeTable, insertableColumns, TableShape } from "./tableShape";

/** One table as the file's INSERTs name it: one entry per distinct column list / key seen. */
export interface FileTable {
  table: TableName;
  /** Column lists of its INSERTs (an unedited export has exactly one). */
  columnLists: string[][];
  /** ON CONFLICT column lists of its INSERTs. */
  keys: string[][];
}

const IDENT = `"(?:[^"]|"")+"`;
const LIST = `${IDENT}(?:, ${IDENT})*`;
const INSERT_HEAD = new RegExp(`^INSERT INTO (${IDENT})\\.(${IDENT}) \\((${LIST})\\)`, "s");
const CONFLICT_TAIL = new RegExp(`ON CONFLICT \\((${LIST})\\) DO NOTHING$`, "s");

const unquote = (ident: string) => ident.slice(1, -1).replace(/""/g, '"');
const identifiers = (list: string) => list.match(new RegExp(IDENT, "g"))!.map(unquote);

/** Collects, statement by statement, what the file's INSERTs target (kept small: distinct lists only). */
export class FileTargets {
  private readonly byTable = new Map<string, { table: TableName; columnLists: Set<string>; keys: Set<string> }>();

  /** An INSERT the classifier accepted; its table, column list and conflict key are recorded. */
  add(sql: string): void {
    const head = INSERT_HEAD.exec(sql);
    const tail = CONFLICT_TAIL.exec(sql);
    if (!head || !tail) throw new Error(`cannot read the table, columns and key of: ${sql.slice(0, 60)}`);
    const id = `${head[1]}.${head[2]}`;
    let entry = this.byTable.get(id);
    if (!entry) {
      entry = { table: { schema: unquote(head[1]), name: unquote(head[2]) }, columnLists: new Set(), keys: new Set() };
      this.byTable.set(id, entry);
    }
    entry.columnLists.add(head[3]);
    entry.keys.add(tail[1]);
  }

  tables(): FileTable[] {
    return [...this.byTable.values()].map((e) => ({
      table: e.table,
      columnLists: [...e.columnLists].map(identifiers),
      keys: [...e.keys].map(identifiers),
    }));
  }
}

/** Why the target cannot take the file's rows of this table, or undefined when it can. */
export function targetRefusal(wanted: FileTable, target: TableShape | undefined): string | undefined {
  const name = displayTable(wanted.table);
  if (!target) return `unknown table ${name}: not found in the target`;
  if (target.primaryKey.length === 0) {
    return `table ${name} has no primary key: its rows cannot be matched between databases, so they are never copied blindly`;
  }
  const problems: string[] = [];
  const insertable = new Set(insertableColumns(target).map((c) => c.name));
  const all = new Set(target.columns.map((c) => c.name));
  const inFile = new Set(wanted.columnLists.flat());
  for (const column of inFile) {
    if (!all.has(column)) problems.push(`column ${column} exists only in the file`);
    else if (!insertable.has(column)) problems.push(`column ${column} is generated in the target`);
  }
  for (const column of wanted.columnLists.flatMap((list) => [...insertable].filter((c) => !list.includes(c)))) {
    const text = `column ${column} exists only in the target`;
    if (!problems.includes(text)) problems.push(text);
  }
  if (problems.length === 0) {
    const targetKey = target.primaryKey.join(", ");
    for (const key of wanted.keys) {
      if (key.join(", ") !== targetKey)
        problems.push(`primary key is (${key.join(", ")}) in the file and (${targetKey}) in the target`);
    }
  }
  return problems.length ? `table ${name} differs between the file and the target: ${problems.join("; ")}` : undefined;
}

/** Refuses (RefusedError, every blocking table listed) unless the target can take every table of the file. */
export async function checkTarget(client: ClientBase, wanted: readonly FileTable[]): Promise<void> {
  const reasons: string[] = [];
  for (const table of wanted) {
    const reason = targetRefusal(table, await describeTable(client, table.table));
    if (reason) reasons.push(reason);
  }
  if (reasons.length) throw new RefusedError(`${reasons.join("; ")}; nothing was changed`);
}
