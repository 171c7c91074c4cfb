import { readFileSync } from "node:fs";
import type { QueryResult } from "pg";
import { redactSecrets } from "../postgres/connectionUrl";
import { closeOnAbort, interruptedError, openClient } from "./connect";
import { EXPORT_MARKER } from "./export";
import { ClassifiedStatement, classifyStatements, splitStatements } from "./sqlScript";

export interface ImportOptions {
  file: string;
  targetUrl: string;
  /** false = dry run: run everything in a transaction, report the counts, roll back. */
  apply: boolean;
  /** Aborting ends the connection: the transaction is rolled back. */
  signal?: AbortSignal;
}

export interface TableImport {
  table: string;
  /** INSERT statements for this table in the file. */
  rows: number;
  /** Rows inserted (in a dry run: that would be inserted). */
  inserted: number;
  /** Rows the target already had (ON CONFLICT DO NOTHING). */
  skipped: number;
}

export interface ImportResult {
  applied: boolean;
  tables: TableImport[];
  /** setval lines run (apply) or left out (dry run: sequences are not transactional). */
  sequences: { run: number; advanced: string[] };
}

/** Statements sent per round trip: one simple-protocol query carrying many INSERTs. */
const STATEMENTS_PER_ROUND_TRIP = 500;

/**
 * Runs a pitr export file against the target in one transaction. The file is parsed and every
 * statement checked before anything runs; a dry run executes the INSERTs and rolls back, so its
 * counts are the real ones (constraints and foreign keys included) without changing anything.
 * setval lines only run with apply: sequence changes survive a rollback.
 */
export async function importRows(options: ImportOptions): Promise<ImportResult> {
  let text: string;
  try {
    text = readFileSync(options.file, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give the file pitr export wrote`);
  }
  if (!text.startsWith(EXPORT_MARKER)) throw new Error(`${options.file} is not a bloom-dr pitr export (its first line must start with "${EXPORT_MARKER}"); nothing was changed`);
  let statements: ClassifiedStatement[];
  try {
    statements = classifyStatements(splitStatements(text));
  } catch (err) {
    throw new Error(`${options.file}: ${(err as Error).message}; nothing was changed`);
  }
  const client = await openClient(options.targetUrl, "target");
  const tables = new Map<string, TableImport>();
  const advanced: string[] = [];
  let sequencesRun = 0;
  const stopListening = closeOnAbort(options.signal, () => [client]);
  try {
    await client.query("BEGIN");
    const inserts = statements.filter((s) => s.kind === "insert") as Extract<ClassifiedStatement, { kind: "insert" }>[];
    for (const s of statements.filter((s) => s.kind === "setting")) await client.query(s.statement.sql);
    for (const s of inserts) {
      const t = tables.get(s.table) ?? { table: s.table, rows: 0, inserted: 0, skipped: 0 };
      t.rows++;
      tables.set(s.table, t);
    }
    for (let i = 0; i < inserts.length; i += STATEMENTS_PER_ROUND_TRIP) {
      const group = inserts.slice(i, i + STATEMENTS_PER_ROUND_TRIP);
      let results: QueryResult[];
      try {
        const r = (await client.query(group.map((s) => s.statement.sql).join(";\n"))) as QueryResult | QueryResult[];
        results = Array.isArray(r) ? r : [r];
      } catch (err) {
        const last = group[group.length - 1].statement.line;
        throw new Error(`lines ${group[0].statement.line}-${last}: ${(err as Error).message}`);
      }
      results.forEach((r, k) => {
        const t = tables.get(group[k].table)!;
        const n = r.rowCount ?? 0;
        t.inserted += n;
        t.skipped += 1 - n;
      });
    }
    if (options.apply) {
      for (const s of statements.filter((s) => s.kind === "sequence")) {
        const { rows } = await client.query(s.statement.sql);
        sequencesRun++;
        for (const r of rows) advanced.push(`${r.sequence} → ${r.set_to}`);
      }
      await client.query("COMMIT");
    } else {
      await client.query("ROLLBACK");
    }
    return { applied: options.apply, tables: [...tables.values()], sequences: { run: sequencesRun, advanced } };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    const interrupted = interruptedError(options.signal, `importing ${options.file}`);
    if (interrupted) throw interrupted;
    throw new Error(redactSecrets(`importing ${options.file} failed and was rolled back, nothing was changed: ${(err as Error).message}`, [options.targetUrl]));
  } finally {
    stopListening();
    await client.end().catch(() => undefined);
  }
}
