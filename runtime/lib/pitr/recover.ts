import type { Client, ClientBase } from "pg";
import { displayTable, parseTableName, TableName } from "../integrity/identifiers";
import { redactSecrets } from "../postgres/connectionUrl";
import { fetchBatches, toColumnArrays } from "./batches";
import { closeOnAbort, interruptedError, throwIfInterrupted, openClient, RAW_TEXT } from "./connect";
import { planTables, RefusedError, TablePlan } from "./plan";
import {
  advanceSequenceSql,
  countMissingSql,
  createStageSql,
  declareAllKeysSql,
  declareMissingKeysSql,
  insertFromStageSql,
  insertTextBatchSql,
  rowsByKeysSql,
} from "./sqlBuilders";

export interface RecoverOptions {
  /** The branch (point-in-time copy) that still has the rows. */
  fromUrl: string;
  /** The database that lost them. */
  targetUrl: string;
  /** "table" (schema public) or "schema.table". */
  tables: string[];
  /** false = dry run: count only, change nothing. */
  apply: boolean;
  /** Aborting ends both connections: the target's transaction is rolled back. */
  signal?: AbortSignal;
}

export interface TableRecovery {
  table: string;
  /** Rows in the branch whose primary key is absent from the target. */
  missing: number;
  /** Rows in the branch whose primary key already exists in the target (left untouched). */
  existing: number;
  /** Rows inserted (0 in a dry run); less than `missing` only if the application inserted the same key meanwhile. */
  inserted: number;
}

export interface SequenceAdvance {
  table: string;
  column: string;
  sequence: string;
  setTo: string;
}

export interface RecoverResult {
  applied: boolean;
  /** In insertion order: parents before children. */
  tables: TableRecovery[];
  /** Sequences moved past the recovered ids (only with apply). */
  sequences: SequenceAdvance[];
}

/**
 * Copies the rows that the branch has and the target lacks (by primary key) back into the target,
 * in one transaction, parents before children, never overwriting a target row.
 *
 * How rows move between two servers: the branch's primary keys are streamed (cursor + FETCH) into
 * a temporary table on the target, an anti-join there finds the missing keys, and only the rows
 * for those keys are fetched from the branch and staged, then inserted with one statement per
 * table. Values travel as PostgreSQL's own text form in text[] parameters (exact round trip, no
 * JS type conversion), so the cost is the table's keys plus the missing rows, not the whole table.
 */
export async function recoverRows(options: RecoverOptions): Promise<RecoverResult> {
  const names = uniqueTables(options.tables);
  const branch = await openClient(options.fromUrl, "branch");
  let target: Client | undefined;
  let inTransaction = false;
  const watch = closeOnAbort(options.signal, () => [branch, target]);
  try {
    target = await openClient(options.targetUrl, "target");
    throwIfInterrupted(options.signal, "pitr recover");
    await branch.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const plans = await planTables(
      [
        { client: branch, role: "branch" },
        { client: target, role: "target" },
      ],
      names,
    );
    await target.query("BEGIN");
    inTransaction = true;
    const tables: TableRecovery[] = [];
    for (const [i, plan] of plans.entries()) {
      tables.push(await withTableContext(plan, () => recoverTable(branch, target!, plan, i, options.apply)));
    }
    const sequences = options.apply ? await advanceSequences(target, plans) : [];
    if (options.apply) throwIfInterrupted(options.signal, "pitr recover");
    await target.query(options.apply ? "COMMIT" : "ROLLBACK");
    inTransaction = false;
    return { applied: options.apply, tables, sequences };
  } catch (err) {
    if (inTransaction) await target!.query("ROLLBACK").catch(() => undefined);
    await watch.ended();
    const interrupted = interruptedError(options.signal, "pitr recover");
    if (interrupted) throw interrupted;
    if (err instanceof RefusedError) throw err;
    throw new Error(
      redactSecrets(`${(err as Error).message}; the transaction was rolled back, nothing was changed`, [
        options.fromUrl,
        options.targetUrl,
      ]),
    );
  } finally {
    watch.stop();
    await branch.end().catch(() => undefined);
    await target?.end().catch(() => undefined);
  }
}

function uniqueTables(tables: readonly string[]): TableName[] {
  if (tables.length === 0)
    throw new RefusedError("no tables given: name the tables to recover, e.g. reservations,clients");
  const names = tables.map((t) => parseTableName(t));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(displayTable(n)))
      throw new RefusedError(`table ${displayTable(n)} is listed twice; nothing was changed`);
    seen.add(displayTable(n));
  }
  return names;
}

async function withTableContext<T>(plan: TablePlan, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const e = err as Error & { code?: string };
    const hint =
      e.code === "23503"
        ? ": a recovered row references a parent row the target lacks; add the parent table to the list"
        : "";
    throw new Error(`recovering ${plan.display} failed: ${e.message}${hint}`);
  }
}

async function recoverTable(
  branch: ClientBase,
  target: ClientBase,
  plan: TablePlan,
  index: number,
  apply: boolean,
): Promise<TableRecovery> {
  const keyStage = `bloom_dr_keys_${index}`;
  const branchKeys = `bloom_dr_branch_keys_${index}`;
  await target.query(createStageSql(keyStage, plan.key));
  await branch.query(declareAllKeysSql(branchKeys, plan.table, plan.key));
  const stageKeys = insertTextBatchSql(keyStage, plan.key);
  for await (const rows of fetchBatches(branch, branchKeys)) {
    await target.query(stageKeys, toColumnArrays(rows, plan.key.length));
  }
  const counted = (await target.query(countMissingSql(keyStage, plan.table, plan.key))).rows[0];
  const total = Number(counted.total);
  const missing = Number(counted.missing);
  const result = { table: plan.display, missing, existing: total - missing, inserted: 0 };
  if (!apply || missing === 0) return result;

  const rowStage = `bloom_dr_rows_${index}`;
  const missingKeys = `bloom_dr_missing_${index}`;
  await target.query(createStageSql(rowStage, plan.columns));
  await target.query(declareMissingKeysSql(missingKeys, keyStage, plan.table, plan.key));
  const fetchRows = rowsByKeysSql(plan.table, plan.columns, plan.key);
  const stageRows = insertTextBatchSql(rowStage, plan.columns);
  for await (const keys of fetchBatches(target, missingKeys)) {
    const { rows } = await branch.query({
      text: fetchRows,
      values: toColumnArrays(keys, plan.key.length),
      rowMode: "array",
      ...RAW_TEXT,
    });
    await target.query(stageRows, toColumnArrays(rows as (string | null)[][], plan.columns.length));
  }
  const inserted = await target.query(
    insertFromStageSql(plan.table, rowStage, plan.columns, plan.key, plan.overriding),
  );
  return { ...result, inserted: inserted.rowCount ?? 0 };
}

async function advanceSequences(target: ClientBase, plans: readonly TablePlan[]): Promise<SequenceAdvance[]> {
  const out: SequenceAdvance[] = [];
  for (const plan of plans) {
    for (const column of plan.sequenceColumns) {
      const { rows } = await target.query({ text: advanceSequenceSql(plan.table, column), ...RAW_TEXT });
      for (const r of rows) out.push({ table: plan.display, column, sequence: r.sequence, setTo: r.set_to });
    }
  }
  return out;
}
