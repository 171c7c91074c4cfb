import type { BackupManifest } from "../../lib/backup/manifest";
import type { VerifyResult } from "../../lib/integrity/verify";
import { redactUrl } from "../../lib/postgres/connectionUrl";
import { CliCommand, stringOption, UsageError } from "../command";
import { storeFromOptions } from "./storeOption";
import { urlOption } from "./pitrRecover";

/** `bloom-dr verify`: integrity checks; prints the SQL to review for each finding, runs none. */
export const verifyCommand: CliCommand = {
  name: "verify",
  summary:
    "check foreign keys for orphans, NOT VALID constraints, B-tree indexes (amcheck) and row counts against a backup",
  options: {
    db: { type: "string", value: "URL", required: true, description: "database to check (read-only)" },
    store: {
      type: "string",
      value: "STORE",
      description: "backup store, to compare exact row counts with a backup's manifest",
    },
    backup: {
      type: "string",
      value: "ID|latest",
      description: "which backup of --store to compare with (default: latest)",
    },
    "skip-amcheck": { type: "boolean", description: "do not run amcheck's bt_index_check on the indexes" },
  },
  details: `
Checks: every foreign key (multi-column included; MATCH SIMPLE keys with a NULL are exempt) with
one anti-join each, reporting the orphan count and example keys; constraints marked NOT VALID;
amcheck bt_index_check (heapallindexed) on every B-tree index when the extension is installed or
available (then created inside a transaction that is rolled back: nothing stays installed); with
--store, exact row counts against the backup's manifest. Each finding carries the SQL a person
would review to fix it (DELETE / UPDATE … SET NULL of orphans, VALIDATE CONSTRAINT, REINDEX):
verify never runs it.

Examples:
  bloom-dr verify --db "$DATABASE_URL"
  bloom-dr verify --db "$RESTORED_URL" --store s3://bloom-vault/production --backup latest --json

Exit status: 0 no findings; 1 findings (or the checks could not run); 2 usage error.`,
  async run(ctx) {
    const dbUrl = urlOption(ctx, "db");
    const backup = stringOption(ctx, "backup");
    let manifest: BackupManifest | undefined;
    let store: string | undefined;
    if (backup !== undefined && stringOption(ctx, "store") === undefined)
      throw new UsageError("--backup needs --store: name the store that holds the backup");
    if (stringOption(ctx, "store") !== undefined) {
      const opened = storeFromOptions(ctx, { existing: true });
      store = opened.describe();
      const { resolveBackup } = await import("../../lib/catalog");
      manifest = await resolveBackup(opened, backup ?? "latest");
    }
    ctx.io.progress("verify: checking foreign keys, constraints, indexes…");
    const { verifyDatabase } = await import("../../lib/integrity/verify");
    const result = await verifyDatabase({ dbUrl, manifest, store, amcheck: ctx.values["skip-amcheck"] !== true });
    const db = redactUrl(dbUrl);
    ctx.io.result(
      {
        ok: result.ok,
        command: "verify",
        db,
        backup: manifest?.id ?? null,
        checked: result.checked,
        findings: result.findings,
        notes: result.notes,
      },
      verifyReport(result, db, manifest?.id),
    );
    return result.ok ? 0 : 1;
  },
};

/** The human report: what was checked, then each finding with its fix, indented for copying. */
export function verifyReport(result: VerifyResult, db: string, backupId?: string): string {
  const c = result.checked;
  const lines = [
    `verify ${db}`,
    `checked: ${c.foreignKeys} foreign keys, ${c.constraints} constraints, ${c.amcheck ? `${c.indexes} B-tree indexes with amcheck` : "indexes not checked (no amcheck)"}${backupId ? `, ${c.tables} tables against backup ${backupId}` : ""}`,
    ...result.notes.map((n) => `note: ${n}`),
  ];
  if (result.ok) return [...lines, "OK: no findings"].join("\n");
  lines.push(`FINDINGS: ${result.findings.length} (fixes below are for review; verify ran none of them)`);
  for (const [i, f] of result.findings.entries()) {
    lines.push("", `${i + 1}. [${f.check}] ${f.object}`, `   ${f.detail}`);
    if (f.fixSql) lines.push("   fix:", ...f.fixSql.split("\n").map((l) => `     ${l}`));
  }
  return lines.join("\n");
}
