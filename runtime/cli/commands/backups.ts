import type { BackupManifest } from "../../lib/backup/manifest";
import type { SkippedManifest } from "../../lib/catalog";
import { CliCommand } from "../command";
import { formatBytes, formatTable } from "../io";
import { totalRows } from "./backup";
import { STORE_OPTION, storeFromOptions } from "./storeOption";

/** `bloom-dr backups`: the catalog of complete backups in a store, newest first. */
export const backupsCommand: CliCommand = {
  name: "backups",
  summary: "list the complete backups in a store, newest first (latest marked)",
  options: { store: STORE_OPTION },
  details: `
Only complete backups are listed: a manifest whose dump exists. "*" marks the one latest.json
names, which "restore --backup latest" uses. A manifest that does not parse is not listed: a
"warning: KEY is malformed, not listed" line on stderr names it (with --json, also the "skipped"
field, with the reason).

Examples:
  bloom-dr backups --store ./backups
  bloom-dr backups --store s3://bloom-vault/production --json

Exit status: 0 listed (also when the store holds none); 1 the store could not be read; 2 usage error.`,
  async run(ctx) {
    const store = storeFromOptions(ctx, { existing: true });
    const { catalogBackups, resolveBackup } = await import("../../lib/catalog");
    const { backups, skipped } = await catalogBackups(store);
    for (const s of skipped) ctx.io.info(`warning: ${s.key} is malformed, not listed`);
    let latestId: string | undefined;
    if (backups.length > 0) {
      try {
        latestId = (await resolveBackup(store, "latest")).id;
      } catch (err) {
        // the catalog itself is still readable: show it, and say why nothing is marked
        ctx.io.info(
          `warning: latest.json cannot be used (${(err as Error).message}); "restore --backup latest" will fail until the next backup`,
        );
      }
    }
    ctx.io.result(
      backupsJson(backups, latestId, store.describe(), skipped),
      catalogTable(backups, latestId, store.describe()),
    );
    return 0;
  },
};

export interface CatalogEntry {
  id: string;
  label: string | null;
  finishedAt: string;
  snapshotAt: string;
  bytes: number;
  tables: number;
  rows: number;
  latest: boolean;
}

export function catalogEntry(m: BackupManifest, latestId: string | undefined): CatalogEntry {
  return {
    id: m.id,
    label: m.label ?? null,
    finishedAt: m.finishedAt,
    snapshotAt: m.snapshotAt,
    bytes: m.dump.bytes,
    tables: Object.keys(m.tables).length,
    rows: totalRows(m.tables),
    latest: m.id === latestId,
  };
}

export function backupsJson(
  backups: BackupManifest[],
  latestId: string | undefined,
  store: string,
  skipped: SkippedManifest[] = [],
): Record<string, unknown> {
  return {
    ok: true,
    command: "backups",
    store,
    latest: latestId ?? null,
    backups: backups.map((m) => catalogEntry(m, latestId)),
    skipped,
  };
}

/** The human catalog: an aligned table, or a one-line note for an empty store. */
export function catalogTable(backups: BackupManifest[], latestId: string | undefined, store: string): string {
  if (backups.length === 0) return `no complete backups in ${store}`;
  const rows = [["", "ID", "LABEL", "FINISHED", "SIZE", "TABLES", "ROWS"]];
  for (const m of backups) {
    const e = catalogEntry(m, latestId);
    rows.push([
      e.latest ? "*" : "",
      e.id,
      e.label ?? "",
      e.finishedAt.replace(/\.\d+Z$/, "Z"),
      formatBytes(e.bytes),
      String(e.tables),
      e.rows.toLocaleString("en-US"),
    ]);
  }
  const count = `${backups.length} backup${backups.length === 1 ? "" : "s"} in ${store}${latestId ? "; * = latest" : ""}`;
  return `${formatTable(rows)}\n${count}`;
}
