import { closeSync, createWriteStream, openSync, renameSync, rmSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { finished } from "node:stream/promises";
import { parseTableName, quoteTable } from "../integrity/identifiers";
import { redactSecrets, redactUrl } from "../postgres/connectionUrl";
import { fetchBatches } from "./batches";
import { CANONICAL_SETTINGS, closeOnAbort, openClient } from "./connect";
import { planTables, RefusedError } from "./plan";
import { advanceSequenceSql, exportInsertParts, exportValuesSql } from "./sqlBuilders";

export interface ExportOptions {
  fromUrl: string;
  tables: string[];
  /** The SQL file to write (replaced atomically: a failed export leaves no partial file). */
  out: string;
  now?: () => Date;
  /** Aborting ends the connection; no file is left behind. */
  signal?: AbortSignal;
}

export interface ExportResult {
  file: string;
  exportedAt: string;
  /** Parents first, as in the file. */
  tables: { table: string; rows: number }[];
  bytes: number;
}

/** First line of every export: import refuses files without it. */
export const EXPORT_MARKER = "-- bloom-dr pitr export";

/**
 * Writes every row of the tables, read in one snapshot of the branch, as a reviewable SQL file:
 * one transaction, INSERT … ON CONFLICT (primary key) DO NOTHING per row, parents before children,
 * then setval lines that move sequences past the inserted ids (never backwards). The literals are
 * produced by the server (quote_nullable), so jsonb, arrays, bytea, numeric, timestamptz and enums
 * come back exactly; the file pins the text formats it was written with (SET LOCAL).
 */
export async function exportRows(options: ExportOptions): Promise<ExportResult> {
  const names = options.tables.map((t) => parseTableName(t));
  const exportedAt = (options.now ?? (() => new Date()))().toISOString();
  const partial = `${options.out}.partial-${process.pid}`;
  // Opened before anything else: a bad --out is a one-line error, not a stream's unhandled 'error'.
  const fd = openOutput(partial, options.out);
  let client: Awaited<ReturnType<typeof openClient>>;
  try {
    client = await openClient(options.fromUrl, "source");
  } catch (err) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw err;
  }
  const file = createWriteStream(partial, { fd });
  let writeError: Error | undefined;
  file.on("error", (err) => (writeError ??= err));
  const watch = closeOnAbort(options.signal, () => [client]);
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const plans = await planTables([{ client, role: "source" }], names);
    const counts: { table: string; rows: number }[] = [];
    for (const plan of plans) {
      const { rows } = await client.query(`SELECT count(*) AS n FROM ${quoteTable(plan.table)}`);
      counts.push({ table: plan.display, rows: Number(rows[0].n) });
    }
    const write = async (text: string) => {
      if (writeError) throw writeError;
      if (!file.write(text)) await once(file, "drain");
    };
    await write(exportHeader(redactUrl(options.fromUrl), exportedAt, counts, options.out));
    for (const [i, plan] of plans.entries()) {
      await write(`\n-- ${plan.display}: ${counts[i].rows} rows\n`);
      const { prefix, suffix } = exportInsertParts(plan.table, plan.columns, plan.key, plan.overriding);
      const cursor = `bloom_dr_export_${i}`;
      await client.query(
        `DECLARE ${cursor} NO SCROLL CURSOR FOR ${exportValuesSql(plan.table, plan.columns, plan.key)}`,
      );
      for await (const batch of fetchBatches(client, cursor)) {
        await write(batch.map((row) => `${prefix}${row[0]}${suffix}\n`).join(""));
      }
      await client.query(`CLOSE ${cursor}`);
    }
    await write(`\n-- sequences: moved past the inserted ids, never backwards\n`);
    for (const plan of plans)
      for (const column of plan.sequenceColumns) await write(`${advanceSequenceSql(plan.table, column)};\n`);
    await write("COMMIT;\n");
    file.end();
    await finished(file);
    await client.query("COMMIT");
    const bytes = file.bytesWritten;
    renameSync(partial, options.out);
    return { file: options.out, exportedAt, tables: counts, bytes };
  } catch (err) {
    file.destroy();
    rmSync(partial, { force: true });
    await watch.ended();
    if (options.signal?.aborted) throw new Error("pitr export interrupted; no file was written");
    if (err instanceof RefusedError)
      throw new RefusedError((err as Error).message.replace(/; nothing was changed$/, "; no file was written"));
    throw new Error(
      redactSecrets(`pitr export failed, no file was written: ${(err as Error).message}`, [options.fromUrl]),
    );
  } finally {
    watch.stop();
    await client.end().catch(() => undefined);
  }
}

/** Creates the partial file (0600, never over an existing one); a failure is one line naming --out. */
function openOutput(partial: string, out: string): number {
  try {
    return openSync(partial, "wx", 0o600);
  } catch (err) {
    throw new Error(outputErrorMessage(out, (err as NodeJS.ErrnoException).code, (err as Error).message));
  }
}

/** Why --out cannot be written, in words, with what to do. */
export function outputErrorMessage(out: string, code: string | undefined, message: string): string {
  const reason: Record<string, string> = {
    ENOENT: "no such directory: create it or choose another --out",
    ENOTDIR: `${path.dirname(out)} is not a directory: choose another --out`,
    EACCES: `permission denied in ${path.dirname(out)}: choose a directory you can write to`,
    EPERM: `permission denied in ${path.dirname(out)}: choose a directory you can write to`,
    EROFS: "read-only file system: choose another --out",
    EEXIST: "a leftover partial file of an earlier export is in the way: remove it or choose another --out",
  };
  return `cannot write ${out}: ${(code && reason[code]) ?? `${message}; choose another --out`}`;
}

export function exportHeader(
  source: string,
  exportedAt: string,
  counts: { table: string; rows: number }[],
  file: string,
): string {
  return [
    `${EXPORT_MARKER}: rows to put back, to review before importing (playbook SEV-2, PASO 4-6)`,
    `-- source: ${source}`,
    `-- exported at: ${exportedAt} (one snapshot of the source)`,
    `-- tables, parents first: ${counts.map((c) => `${c.table} (${c.rows} rows)`).join(", ")}`,
    `-- Each INSERT is ON CONFLICT (primary key) DO NOTHING: rows the target already has stay as they are.`,
    `-- Dry run (counts, rolled back): bloom-dr pitr import --file ${file} --target URL`,
    `-- Apply:                         bloom-dr pitr import --file ${file} --target URL --apply`,
    `-- (or psql -v ON_ERROR_STOP=1 -f ${file} "$DATABASE_URL")`,
    "BEGIN;",
    ...Object.entries(CANONICAL_SETTINGS).map(([name, value]) => `SET LOCAL ${name} = '${value}';`),
    "",
  ].join("\n");
}
