import type { BackupResult } from "../../lib/backup/runBackup";
import { parseConnectionUrl, redactUrl } from "../../lib/postgres/connectionUrl";
import { CliCommand, requiredOption, stringOption, UsageError } from "../command";
import { formatBytes, formatDuration } from "../io";
import { isS3Spec, STORE_OPTION, storeFromOptions } from "./storeOption";

/** Progress is redrawn at most this often: a terminal cannot show faster updates usefully. */
const PROGRESS_INTERVAL_MS = 250;

/** `bloom-dr backup`: one streaming pg_dump into a store, with a manifest written only on success. */
export const backupCommand: CliCommand = {
  name: "backup",
  summary: "dump a database into a backup store (pg_dump custom format + manifest)",
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
  },
  details: `
Writes <id>.dump (what stock pg_restore reads), then <id>.json (sha256, size, per-table exact row
counts from the dumped snapshot), then latest.json. On any failure or Ctrl-C nothing of the
attempt remains and latest.json is unchanged.

Examples:
  bloom-dr backup --db "$DIRECT_URL" --store ./backups --label nightly
  bloom-dr backup --db "$DIRECT_URL" --store s3://bloom-vault/production --kms-key-id alias/bloom-dr --json

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
    const store = storeFromOptions(ctx, { kmsKeyId });
    const { runBackup } = await import("../../lib/backup/runBackup");
    const startedAt = Date.now();
    let lastDrawn = 0;
    const result = await runBackup({
      dbUrl,
      store,
      label: stringOption(ctx, "label"),
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
  return [
    `backup ${result.id} complete: ${formatBytes(m.dump.bytes)} in ${formatDuration(result.durationMs)} (${formatRate(m.dump.bytes, result.durationMs)})`,
    `  source    ${source} (PostgreSQL ${m.source.serverVersion})`,
    `  store     ${store}`,
    `  snapshot  ${m.snapshotAt} (the recovery point)`,
    `  contents  ${tableCount} table${tableCount === 1 ? "" : "s"}, ${totalRows(m.tables).toLocaleString("en-US")} rows${m.label ? `, label "${m.label}"` : ""}`,
  ].join("\n");
}
