import { closeSync, openSync, readSync } from "node:fs";
import type { QueryResult } from "pg";
import { redactSecrets } from "../postgres/connectionUrl";
import { closeOnAbort, interruptedError, openClient, throwIfInterrupted } from "./connect";
import { EXPORT_MARKER } from "./export";
import { checkTarget, FileTable, FileTargets } from "./importTarget";
import { RefusedError } from "./plan";
import { ClassifiedStatement, classifyStatement, readStatements } from "./sqlScript";

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
 * Runs a pitr export file against the target in one transaction. The file is streamed twice
 * (never held whole in memory): the first pass checks every statement before anything runs, the
 * second runs the INSERTs. A dry run rolls back, so its counts are the real ones (constraints and
 * foreign keys included) without changing anything. setval lines only run with apply: sequence
 * changes survive a rollback. Before any of it the target must have every table of the file, with
 * a primary key and the file's columns (importTarget): raw PostgreSQL errors would not say why.
 */
export async function importRows(options: ImportOptions): Promise<ImportResult> {
  const plan = await checkFile(options.file);
  const client = await openClient(options.targetUrl, "target");
  const tables = new Map(plan.tables.map((t) => [t, { table: t, rows: 0, inserted: 0, skipped: 0 }]));
  const advanced: string[] = [];
  let sequencesRun = 0;
  const watch = closeOnAbort(options.signal, () => [client]);
  try {
    throwIfInterrupted(options.signal, `importing ${options.file}`);
    await checkTarget(client, plan.targets);
    await client.query("BEGIN");
    for (const sql of plan.settings) await client.query(sql);
    let group: Extract<ClassifiedStatement, { kind: "insert" }>[] = [];
    const flush = async () => {
      if (group.length === 0) return;
      let results: QueryResult[];
      try {
        const r = (await client.query(group.map((s) => s.statement.sql).join(";\n"))) as QueryResult | QueryResult[];
        results = Array.isArray(r) ? r : [r];
      } catch (err) {
        throw new Error(
          `lines ${group[0].statement.line}-${group[group.length - 1].statement.line}: ${(err as Error).message}`,
        );
      }
      results.forEach((r, k) => {
        const t = tables.get(group[k].table)!;
        const n = r.rowCount ?? 0;
        t.rows++;
        t.inserted += n;
        t.skipped += 1 - n;
      });
      group = [];
    };
    // Second pass: the file was checked whole; statements are classified again as they stream.
    for await (const statement of readStatements(options.file)) {
      const s = classifyStatement(statement);
      if (s.kind !== "insert") continue;
      group.push(s);
      if (group.length >= STATEMENTS_PER_ROUND_TRIP) await flush();
    }
    await flush();
    if (options.apply) {
      for (const sql of plan.sequences) {
        const { rows } = await client.query(sql);
        sequencesRun++;
        for (const r of rows) advanced.push(`${r.sequence} → ${r.set_to}`);
      }
      throwIfInterrupted(options.signal, `importing ${options.file}`);
      await client.query("COMMIT");
    } else {
      await client.query("ROLLBACK");
    }
    return { applied: options.apply, tables: [...tables.values()], sequences: { run: sequencesRun, advanced } };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    await watch.ended();
    if (err instanceof RefusedError) throw err;
    const interrupted = interruptedError(options.signal, `importing ${options.file}`);
    if (interrupted) throw interrupted;
    throw new Error(
      redactSecrets(
        `importing ${options.file} failed and was rolled back, nothing was changed: ${(err as Error).message}`,
        [options.targetUrl],
      ),
    );
  } finally {
    watch.stop();
    await client.end().catch(() => undefined);
  }
}

/** What a first pass over the file learns: it is an export, every statement is allowed. */
interface FilePlan {
  settings: string[];
  sequences: string[];
  /** Tables in the order their INSERTs appear. */
  tables: string[];
  /** What the INSERTs need of the target, checked before anything runs. */
  targets: FileTable[];
}

async function checkFile(file: string): Promise<FilePlan> {
  let head: string;
  try {
    const fd = openSync(file, "r");
    try {
      const buffer = Buffer.alloc(EXPORT_MARKER.length);
      readSync(fd, buffer, 0, buffer.length, 0);
      head = buffer.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new Error(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give the file pitr export wrote`,
    );
  }
  if (head !== EXPORT_MARKER)
    throw new Error(
      `${file} is not a bloom-dr pitr export (its first line must start with "${EXPORT_MARKER}"); nothing was changed`,
    );
  const plan: FilePlan = { settings: [], sequences: [], tables: [], targets: [] };
  const targets = new FileTargets();
  try {
    for await (const statement of readStatements(file)) {
      const s = classifyStatement(statement);
      if (s.kind === "setting") plan.settings.push(s.statement.sql);
      else if (s.kind === "sequence") plan.sequences.push(s.statement.sql);
      else if (s.kind === "insert") {
        if (!plan.tables.includes(s.table)) plan.tables.push(s.table);
        targets.add(s.statement.sql);
      }
    }
    plan.targets = targets.tables();
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}; nothing was changed`);
  }
  return plan;
}
