import os from "node:os";
import { Compression, parseCompression } from "../../lib/backup/compression";
import type { BackupResult } from "../../lib/backup/runBackup";
import { parseConnectionUrl, redactUrl } from "../../lib/postgres/connectionUrl";
import { CliCommand, positiveIntegerOption, requiredOption, stringOption, UsageError } from "../command";
import { formatBytes, formatDuration } from "../io";
import { isS3Spec, STORE_OPTION, storeFromOptions } from "./storeOption";

/** Progress is redrawn at most this often: a terminal cannot show faster updates usefully. */
const PROGRESS_INTERVAL_MS = 250;

/** `bloom-dr backup`: a consistent pg_dump streamed into a store, with a manifest written only on success. */
export const backupCommand: CliCommand = {
  name: "backup",
  summary: "dump a database into a backup store (pg_dump custom or parallel directory format + manifest)",
  options: {
    db: {
      type: "string",
      value: "URL",
      required: true,
      description: "source database (the direct host, not a -pooler one)",
    },
    store: STORE_OPTION,
    label: {
      type: "string",
      value: "TEXT",
      description: 'free text saved in the manifest, e.g. "before migration 42"',
    },
    "kms-key-id": {
      type: "string",
      value: "ID",
      description: "KMS key (id, ARN or alias) for SSE-KMS on s3:// stores; default: the bucket's default encryption",
    },
    jobs: {
      type: "string",
      value: "N",
      description: `parallel pg_dump workers for the directory format (default: the machine's cores, ${os.availableParallelism()} here, capped by the connections the source accepts)`,
    },
    compress: {
      type: "string",
      value: "METHOD[:LEVEL]",
      description:
        "pg_dump compression: gzip[:1-9], lz4[:1-12], zstd[:1-22] (lz4 and zstd need pg_dump 16+) or none; default gzip:1 with pg_dump 15 and older, zstd:1 with 16+",
    },
    format: {
      type: "string",
      value: "custom|directory",
      description:
        "custom: one archive <id>.dump; directory: <id>/ files written by --jobs workers and uploaded as they finish; default: directory from 32 MiB of table data on (when 2+ jobs), else custom",
    },
  },
  details: `
Writes the dump (<id>.dump, or the directory <id>/ with toc.dat and one file per table: both what
stock pg_restore reads), then <id>.json (sha256 and size of every file, per-table exact row counts
from the dumped snapshot), then latest.json. On any failure or Ctrl-C nothing of the attempt
remains and latest.json is unchanged.

The directory format dumps with --jobs workers under one snapshot and stores each file as soon as
pg_dump has finished it; for an s3:// store the files wait in the temp directory (TMPDIR) until
uploaded, and pg_dump is paused when uploads fall behind (docs/engine.md, "Local disk").

Examples:
  bloom-dr backup --db "$DIRECT_URL" --store ./backups --label nightly
  bloom-dr backup --db "$DIRECT_URL" --store s3://bloom-vault/production --kms-key-id alias/bloom-dr --json
  bloom-dr backup --db "$DIRECT_URL" --store ./backups --format directory --jobs 4 --compress zstd:3

Exit status: 0 backup complete and catalogued; 1 failed (reason on stderr); 2 usage error.`,
  async run(ctx) {
    const dbUrl = requiredOption(ctx, "db", "the source database URL");
    try {
      parseConnectionUrl(dbUrl, "--db");
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const kmsKeyId = stringOption(ctx, "kms-key-id");
    if (kmsKeyId !== undefined && !isS3Spec(requiredOption(ctx, "store", STORE_OPTION.description))) {
      throw new UsageError(
        `--kms-key-id applies to s3:// stores only (SSE-KMS); a local directory is protected by its file permissions (0700/0600)`,
      );
    }
    const jobs = positiveIntegerOption(ctx, "jobs", os.availableParallelism());
    const compress = compressOption(stringOption(ctx, "compress"));
    const format = stringOption(ctx, "format");
    if (format !== undefined && format !== "custom" && format !== "directory")
      throw new UsageError(`--format must be custom or directory (got "${format}")`);
    const store = storeFromOptions(ctx, { kmsKeyId });
    const { runBackup } = await import("../../lib/backup/runBackup");
    const startedAt = Date.now();
    let lastDrawn = 0;
    const result = await runBackup({
      dbUrl,
      store,
      label: stringOption(ctx, "label"),
      jobs,
      compress,
      format,
      signal: ctx.signal,
      onProgress: ({ bytes }) => {
        const now = Date.now();
        if (now - lastDrawn < PROGRESS_INTERVAL_MS) return;
        lastDrawn = now;
        ctx.io.progress(`backup: ${formatBytes(bytes)} written, ${formatRate(bytes, now - startedAt)}`);
      },
    });
    ctx.io.result(backupJson(result, store.describe()), backupSummary(result, store.describe(), redactUrl(dbUrl)));
    return 0;
  },
};

/** --compress METHOD[:LEVEL], checked before anything runs (what pg_dump supports is checked once it is found). */
export function compressOption(raw: string | undefined): Compression | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseCompression(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** "12.0 MiB/s"; "–" before any time has passed. */
export function formatRate(bytes: number, elapsedMs: number): string {
  if (!(elapsedMs > 0)) return "– /s";
  return `${formatBytes(Math.round((bytes * 1000) / elapsedMs))}/s`;
}

export function totalRows(tables: Record<string, number>): number {
  return Object.values(tables).reduce((sum, n) => sum + n, 0);
}

export function backupJson(result: BackupResult, store: string): Record<string, unknown> {
  const m = result.manifest;
  return {
    ok: true,
    command: "backup",
    store,
    id: result.id,
    label: m.label ?? null,
    bytes: m.dump.bytes,
    sha256: m.dump.sha256,
    format: m.dump.format,
    ...(m.dump.format === "directory" ? { files: Object.keys(m.dump.files).length } : {}),
    ...(result.jobs ? { jobs: result.jobs } : {}),
    ...(result.estimatedBytes !== undefined ? { estimatedBytes: result.estimatedBytes } : {}),
    durationMs: result.durationMs,
    snapshotAt: m.snapshotAt,
    tables: m.tables,
    rows: totalRows(m.tables),
    manifest: m,
  };
}

export function backupSummary(result: BackupResult, store: string, source: string): string {
  const m = result.manifest;
  const tableCount = Object.keys(m.tables).length;
  const form =
    m.dump.format === "directory"
      ? `, ${Object.keys(m.dump.files).length} files by ${m.dump.jobs} job${m.dump.jobs === 1 ? "" : "s"}, ${m.dump.compression}`
      : "";
  return [
    `backup ${result.id} complete: ${formatBytes(m.dump.bytes)} in ${formatDuration(result.durationMs)} (${formatRate(m.dump.bytes, result.durationMs)}${form})`,
    `  source    ${source} (PostgreSQL ${m.source.serverVersion})`,
    `  store     ${store}`,
    `  snapshot  ${m.snapshotAt} (the recovery point)`,
    `  contents  ${tableCount} table${tableCount === 1 ? "" : "s"}, ${totalRows(m.tables).toLocaleString("en-US")} rows${m.label ? `, label "${m.label}"` : ""}`,
  ].join("\n");
}
